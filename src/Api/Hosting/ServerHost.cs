using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Prometheus;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Hosting;

/// <summary>What both server roles set up the same way: Kestrel on loopback, ProblemDetails, validation, Swagger, health and metrics.</summary>
public static class ServerHost
{
    /// <summary>Largest JSON request body accepted (chunk bodies get their own limit).</summary>
    public const long MaxJsonBodyBytes = 1024 * 1024;

    /// <summary>Creates a builder for a server role listening as <paramref name="options"/> says.</summary>
    public static WebApplicationBuilder CreateBuilder(CommonServerOptions options, string role, string title, string description)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(ServerHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen, options.Port);
            kestrel.Limits.MaxRequestBodySize = MaxJsonBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 16 * 1024;
        });

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
            console.UseUtcTimestamp = false;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        builder.Services.AddProblemDetails(problem => problem.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.TryAdd("server", role);
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        builder.Services.AddValidation();
        // Numbers must be JSON numbers: the web default would read the string "0755" as the decimal 755. A property
        // given twice is refused: the default lets the last one win, so {"name": "../x", "name": "x"} would be read
        // differently by anything that checked the first.
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.AllowDuplicateProperties = false;
        });
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblemHandler>();
        builder.Services.PostConfigure<ProblemDetailsOptions>(problems => problems.CustomizeProblemDetails += BadRequestProblemHandler.AddInvalidArgumentErrno);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks();
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo { Title = title, Version = "v1", Description = description });
            foreach (var assembly in new[] { typeof(ServerHost).Assembly, typeof(PosixException).Assembly })
            {
                var xml = Path.Combine(AppContext.BaseDirectory, $"{assembly.GetName().Name}.xml");
                if (File.Exists(xml))
                {
                    swagger.IncludeXmlComments(xml);
                }
            }

            swagger.AddSecurityDefinition("admin", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Admin token (--admin-token) for admin and fault endpoints.",
            });
        });
        return builder;
    }

    /// <summary>Adds the shared middleware and endpoints (error handling, cluster token, Swagger, /healthz, /metrics).</summary>
    public static void UseCommon(WebApplication app, CommonServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.ClusterToken is { } token)
        {
            app.UseMiddleware<ClusterTokenMiddleware>(token);
        }

        app.UseMiddleware<AdminTokenMiddleware>();
        app.UseMiddleware<QueryEncodingMiddleware>();

        app.UseSwagger();
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "swagger";
            ui.DocumentTitle = app.Environment.ApplicationName;
        });
        app.UseHttpMetrics();
        app.MapMetrics("/metrics");
        app.MapHealthChecks("/healthz").WithSummary("Liveness: 200 when the server is up.");
        app.MapGet("/", () => TypedResults.Redirect("/swagger")).ExcludeFromDescription();
    }

    /// <summary>Raises the request body limit of an endpoint (chunk uploads) above the JSON default.</summary>
    public static TBuilder WithMaxRequestBody<TBuilder>(this TBuilder builder, long maxBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(new RequestSizeLimitMetadata(maxBytes)));
        return builder;
    }

    private sealed class RequestSizeLimitMetadata(long maxBytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize { get; } = maxBytes;
    }

    /// <summary>The informational version of the server, for logs and the API description.</summary>
    public static string Version =>
        typeof(ServerHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";
}
