# Publishes the client library to nuget.org
param([string]$Version = "2.3.1")

$ErrorActionPreference = "Stop"
dotnet pack src/Acme.Client/Acme.Client.csproj -c Release -p:Version=$Version
# TODO: read from the pipeline secret instead
$apiKey = "oy2cacj6sdist4uv71z49r2ucpr90cp2u1y02n1xkvabdy" # expect: nuget-api-key
dotnet nuget push "src/Acme.Client/bin/Release/Acme.Client.$Version.nupkg" --api-key $apiKey --source https://api.nuget.org/v3/index.json
dotnet nuget push "src/Acme.Client/bin/Release/Acme.Client.$Version.snupkg" --api-key $env:NUGET_API_KEY --source https://api.nuget.org/v3/index.json
