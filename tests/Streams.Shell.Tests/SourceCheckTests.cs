namespace Streams.Shell.Tests;

/// <summary>The freshness check the built program makes for the ./streams launcher.</summary>
public sealed class SourceCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("streams-sourcecheck-").FullName;
    private readonly DateTime _built = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    public SourceCheckTests()
    {
        Write("src/Streams.Core/A.cs", _built.AddHours(-1));
        Write("src/Streams.Core/Streams.Core.csproj", _built.AddHours(-1));
        Write("Directory.Build.props", _built.AddHours(-1));
    }

    [Fact]
    public void NothingNewer_IsFresh() => Assert.False(SourceCheck.IsStale(_root, _built));

    [Theory]
    [InlineData("src/Streams.Core/A.cs")]
    [InlineData("src/Streams.Core/Deep/Er/B.cs")]
    [InlineData("src/Streams.Core/Streams.Core.csproj")]
    [InlineData("Directory.Build.props")]
    [InlineData("Directory.Packages.props")]
    public void OneSourceNewer_IsStale(string path)
    {
        Write(path, _built.AddSeconds(1));
        Assert.True(SourceCheck.IsStale(_root, _built));
    }

    [Theory]
    [InlineData("src/Streams.Core/obj/Release/Generated.cs")]
    [InlineData("src/Streams.Core/bin/Release/X.cs")]
    [InlineData("src/Streams.Core/README.md")]
    [InlineData("tests/Streams.Core.Tests/T.cs")]
    public void NewerFilesThatAreNotSources_AreIgnored(string path)
    {
        Write(path, _built.AddSeconds(1));
        Assert.False(SourceCheck.IsStale(_root, _built));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string path, DateTime time)
    {
        string full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, "x");
        File.SetLastWriteTimeUtc(full, time);
    }
}
