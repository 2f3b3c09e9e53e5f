using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Risk;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("risk");
builder.AddRisk();
builder.AddCypherMessaging();
var app = builder.Build();
app.MapServiceDefaults();
app.Run();
