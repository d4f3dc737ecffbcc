using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests.SipJs;

/// <summary>
/// The SIP.js reporter's own tests (clients/sipjs/test, vitest), one case per file, so that the README's one
/// test command runs them too: calls through real SIP.js objects against a scripted far end, and the queue
/// against a loopback HTTP server. A failure shows vitest's own report.
/// </summary>
public sealed class ReporterPackageTests
{
    public static TheoryData<string> TestFiles { get; } = new(Directory
        .GetFiles(Path.Combine(NodePackage.Root, "test"), "*.test.ts")
        .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));

    [NodeTheory]
    [MemberData(nameof(TestFiles))]
    public async Task TheReportersOwnTests_Pass(string file)
    {
        Assert.True(NodePackage.Missing is null, NodePackage.Missing);
        await NodePackage.EnsureBuiltAsync();

        var (exitCode, output) = await NodePackage.RunAsync(
            "npx", ["vitest", "run", $"test/{file}", "--reporter=verbose"], TimeSpan.FromMinutes(3));

        Assert.True(exitCode == 0, $"vitest failed on test/{file}:\n{output}");
    }

    [NodeTheory]
    [InlineData("typecheck")]
    public async Task TheReportersSourceAndTests_TypeCheck(string script)
    {
        Assert.True(NodePackage.Missing is null, NodePackage.Missing);
        await NodePackage.EnsureBuiltAsync();

        var (exitCode, output) = await NodePackage.RunAsync("npm", ["run", script], TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"npm run {script} failed:\n{output}");
    }
}
