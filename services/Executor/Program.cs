using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Executor;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("executor");
builder.AddExecutor();
builder.AddCypherMessaging();
var app = builder.Build();
app.MapServiceDefaults();
app.Run();
