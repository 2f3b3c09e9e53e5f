using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Scanner;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("scanner");
builder.AddScanner();
builder.AddCypherMessaging();
var app = builder.Build();
app.MapServiceDefaults();
app.Run();
