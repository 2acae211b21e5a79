using Doctor.AdminApi.Auth;
using Doctor.AdminApi.Database;
using Doctor.AdminApi.Errors;
using Doctor.AdminApi.Health;
using Doctor.AdminApi.Hosting;
using Doctor.AdminApi.Alarms;
using Doctor.AdminApi.Constraints;
using Doctor.AdminApi.Faults;
using Doctor.AdminApi.Infrastructure;
using Doctor.AdminApi.Maintenance;
using Doctor.AdminApi.Metrics;
using Doctor.AdminApi.Notifications;

var builder = WebApplication.CreateBuilder(args);
builder.AddDoctorHosting();
builder.Services.AddDoctorErrors();
builder.Services.AddDoctorDatabase();
builder.Services.AddDoctorHealth();
builder.Services.AddDoctorMetrics();
builder.Services.AddDoctorEngine(builder.Configuration);
builder.Services.AddDoctorAuth(builder.Configuration);

var app = builder.Build();
app.UseDoctorMetrics();
app.UseDoctorErrors();
app.UseDoctorAuth();
app.MapDoctorHealth().OpenUnless(app.Configuration, nameof(AuthOptions.ProtectHealth));
app.MapOsloHealthcheck().OpenUnless(app.Configuration, nameof(AuthOptions.ProtectHealth));
app.MapDoctorMetrics().OpenUnless(app.Configuration, nameof(AuthOptions.ProtectMetrics));
app.MapOpenApi().AllowAnonymous();
app.MapAuthApi();
app.MapSimulatedCloudApi();
app.MapMaintenanceApi();
app.MapAlarmApi();
app.MapNotifierApi();
app.MapConstraintApi();
app.MapInspectorApi();
app.MapFaultApi();
app.MapPhysicalResourceApi();
return await app.RunDoctorAsync();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
