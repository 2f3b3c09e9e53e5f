using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Alerts;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("alerts");
builder.AddAlerts();
builder.AddCypherMessaging();
var app = builder.Build();
app.MapServiceDefaults();
app.Run();
