#!/usr/bin/env pwsh
# Sluice build script for PowerShell users: a thin mirror of build.sh (same targets, same behaviour).
# Targets: build, test, bench, demo, publish. The test/bench/demo targets need bash and a Debian-like machine
# (they install and start a throwaway MariaDB), so on such machines this script hands over to build.sh.
param(
    [Parameter(Position = 0)][ValidateSet('build', 'test', 'bench', 'demo', 'publish')][string]$Target = 'build',
    [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }

switch ($Target) {
    'build'   { dotnet build Actors.sln -c $configuration @Rest; exit $LASTEXITCODE }
    'publish' { dotnet publish src/Sluice.Cli/Sluice.Cli.csproj -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o artifacts/sluice @Rest; exit $LASTEXITCODE }
    default {
        if (-not (Get-Command bash -ErrorAction SilentlyContinue)) {
            Write-Error "build.ps1: '$Target' needs bash and a Debian-like machine (it runs a throwaway MariaDB); run ./build.sh $Target there"
            exit 1
        }
        bash ./build.sh $Target @Rest
        exit $LASTEXITCODE
    }
}
