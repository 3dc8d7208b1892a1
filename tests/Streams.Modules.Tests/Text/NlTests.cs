using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class NlTests
{
    [Theory]
    [InlineData]
    [InlineData("-b", "a")]
    [InlineData("-ba")]
    [InlineData("-b", "n")]
    [InlineData("-w", "3")]
    [InlineData("-s", ": ")]
    [InlineData("-n", "ln")]
    [InlineData("-n", "rz", "-w", "4")]
    [InlineData("-v", "10", "-i", "5")]
    [InlineData("-ba", "-s", "", "-w1")]
    public async Task Nl_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new NlCommand(), "nl", args);

    [Theory]
    [InlineData]
    [InlineData("-p")]
    [InlineData("-h", "a", "-f", "t")]
    public async Task Nl_LogicalPages_RestartNumbering(params string[] args)
        => await Gnu.SameAsync(() => new NlCommand(), "nl", args, "\\:\\:\\:\nhead\n\\:\\:\nbody1\n\nbody2\n\\:\nfoot\n\\:\\:\\:\nh2\n\\:\\:\nb3\n");

    /// <summary>-d (a delimiter of one char takes ':' as its second; any string; empty: no page delimiters) and
    /// -l (every Nth of a run of empty lines numbered, with -ba; the run goes on across pages).</summary>
    [Theory]
    [InlineData("-d", "xy")]
    [InlineData("-d", "x")]
    [InlineData("--section-delimiter=xyz", "-ha")]
    [InlineData("-d", "")]
    [InlineData("-ba", "-l2")]
    [InlineData("-ba", "--join-blank-lines=3", "-ha", "-fa")]
    [InlineData("-bt", "-l2")]
    [InlineData("-ba", "-l1")]
    public async Task Nl_DelimiterAndJoinedBlanks_MatchGnu(params string[] args)
        => await Gnu.SameAsync(() => new NlCommand(), "nl", args, "a\nxy\nb\n\n\n\n\nx:\n\n\nxyzxyz\nc\n\n\\:\\:\n\n\nxyz\nd\n\n\n");

    [Theory]
    [InlineData("-b", "x")]
    [InlineData("-w", "0")]
    [InlineData("-n", "zz")]
    [InlineData("-l", "0")]
    [InlineData("-l", "x")]
    public async Task Nl_BadArguments_FailLikeGnu(params string[] args)
        => await Gnu.SameAsync(() => new NlCommand(), "nl", args, "a\n");
}
