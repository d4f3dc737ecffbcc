using CallTracker.Api.Events;
using CallTracker.Api.Http;
using CallTracker.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CallTracker.Api.OpenApi;

/// <summary>The OpenAPI document and Swagger UI that ops use to read reports.</summary>
public static class SwaggerSetup
{
    private const string IngestKeyHeaderScheme = "ingestKey";
    private const string IngestKeyQueryScheme = "ingestKeyQuery";
    private const string ApiTokenScheme = "apiToken";

    public static IServiceCollection AddCallTrackerSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "CallTracker",
                Version = "v1",
                Description =
                    "Self-hosted tracking of failed SIP calls. A CRM posts failed-call events with its ingest " +
                    "key; ops read reports and events with an API token (use Authorize above).",
            });

            options.AddSecurityDefinition(IngestKeyHeaderScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Authentication.IngestKeyHeader,
                Description = "The project's ingest key: 32 lowercase hex digits.",
            });
            options.AddSecurityDefinition(IngestKeyQueryScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Query,
                Name = Authentication.IngestKeyQuery,
                Description = "The ingest key as a query parameter, for browsers posting without a preflight.",
            });
            options.AddSecurityDefinition(ApiTokenScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token (ctk_...), printed once when the project was created.",
            });

            options.OperationFilter<SecurityRequirementFilter>();
            options.OperationFilter<EventBatchBodyFilter>();
            options.OperationFilter<OneOfResponsesFilter>();
            options.OperationFilter<CsvDownloadFilter>();
            options.SchemaFilter<EventInputSchemaFilter>();
            options.SupportNonNullableReferenceTypes();

            var xml = Path.Combine(AppContext.BaseDirectory, $"{typeof(SwaggerSetup).Assembly.GetName().Name}.xml");
            options.IncludeXmlComments(xml, includeControllerXmlComments: true);
        });
        return services;
    }

    public static WebApplication UseCallTrackerSwagger(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "CallTracker v1");
            options.DocumentTitle = "CallTracker API";
        });
        return app;
    }

    /// <summary>
    /// Describes the ingest body (one event or an array) by hand: the handler reads the body itself, and
    /// Accepts() metadata would make routing answer a bare 415 before authentication and our own message.
    /// </summary>
    private sealed class EventBatchBodyFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<EventBatchBody>().Any())
            {
                return;
            }

            var single = context.SchemaGenerator.GenerateSchema(typeof(EventInput), context.SchemaRepository);
            var schema = new OpenApiSchema
            {
                OneOf = [single, new OpenApiSchema { Type = JsonSchemaType.Array, Items = single, MaxItems = 1000 }],
            };

            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "One event, or an array of up to 1,000 events.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schema },
                    ["text/plain"] = new() { Schema = schema },
                },
            };
        }
    }

    /// <summary>
    /// An endpoint that answers one status with one of several shapes (an issue's events are failed calls or
    /// error events, by the kind): the API explorer keeps only the last, so list them all as oneOf.
    /// </summary>
    private sealed class OneOfResponsesFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var shapes = context.ApiDescription.ActionDescriptor.EndpointMetadata
                .OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()
                .Where(metadata => metadata.Type is not null && metadata.Type != typeof(void))
                .GroupBy(metadata => metadata.StatusCode);

            foreach (var shape in shapes)
            {
                if (operation.Responses?.TryGetValue($"{shape.Key}", out var response) is not true
                    || response.Content is not { } content)
                {
                    continue;
                }

                foreach (var (mediaType, media) in content)
                {
                    var types = shape.Where(metadata => metadata.ContentTypes.Contains(mediaType))
                        .Select(metadata => metadata.Type!).Distinct().ToList();
                    if (types.Count > 1 && media is OpenApiMediaType concrete)
                    {
                        concrete.Schema = new OpenApiSchema
                        {
                            OneOf = types
                                .Select(type => context.SchemaGenerator.GenerateSchema(type, context.SchemaRepository))
                                .ToList(),
                        };
                    }
                }
            }
        }
    }

    /// <summary>Adds text/csv beside JSON to the 200 answer of the reports that can be downloaded as CSV.</summary>
    private sealed class CsvDownloadFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CsvDownload>().Any()
                || operation.Responses?.TryGetValue("200", out var response) is not true
                || response is not OpenApiResponse { Content: { } content })
            {
                return;
            }

            content[CsvFile.ContentType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "UTF-8 with a byte order mark, a header row, CRLF line ends, times in tz.",
                },
            };
        }
    }

    /// <summary>
    /// Says what the hand-written reader accepts and a generated client would otherwise get wrong:
    /// unknown fields are ignored (not refused), and occurredAt may also be epoch milliseconds.
    /// </summary>
    private sealed class EventInputSchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (context.Type != typeof(EventInput) || schema is not OpenApiSchema concrete)
            {
                return;
            }

            concrete.AdditionalPropertiesAllowed = true;
            if (concrete.Properties is { } properties && properties.TryGetValue("occurredAt", out var property)
                && property is OpenApiSchema occurredAt)
            {
                occurredAt.Type = null;
                occurredAt.OneOf =
                [
                    new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                    new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
                ];
            }
        }
    }

    /// <summary>Marks each operation with the credential its authorization policy asks for.</summary>
    private sealed class SecurityRequirementFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var policies = context.ApiDescription.ActionDescriptor.EndpointMetadata
                .OfType<AuthorizeAttribute>().Select(attribute => attribute.Policy).ToHashSet();

            string[] schemes = policies.Contains(Authentication.IngestPolicy)
                ? [IngestKeyHeaderScheme, IngestKeyQueryScheme]
                : policies.Contains(Authentication.ReadPolicy) ? [ApiTokenScheme] : [];

            // Alternatives, not a conjunction: each scheme is its own requirement.
            operation.Security = schemes.Select(scheme => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [],
            }).ToList();
        }
    }
}
