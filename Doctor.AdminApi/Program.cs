using Doctor.AdminApi.Database;
using Doctor.AdminApi.Errors;
using Doctor.AdminApi.Health;
using Doctor.AdminApi.Hosting;
using Doctor.AdminApi.Metrics;

var builder = WebApplication.CreateBuilder(args);
builder.AddDoctorHosting();
builder.Services.AddDoctorErrors();
builder.Services.AddDoctorDatabase();
builder.Services.AddDoctorHealth();
builder.Services.AddDoctorMetrics();

var app = builder.Build();
app.UseDoctorMetrics();
app.UseDoctorErrors();
app.MapDoctorHealth();
app.MapDoctorMetrics();
app.MapOpenApi();
return await app.RunDoctorAsync();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
