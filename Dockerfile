# CallTracker service image. Build context: the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/CallTracker.Api -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# The image's unprivileged account; the service needs no root.
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "CallTracker.Api.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "CallTracker.Api.dll"]
