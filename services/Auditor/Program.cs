using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Auditor;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("auditor");
builder.AddAuditor();
builder.AddCypherMessaging();
var app = builder.Build();
app.MapServiceDefaults();
app.Run();
