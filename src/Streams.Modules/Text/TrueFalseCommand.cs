using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>true</c> and <c>false</c>: do nothing, successfully or not.</summary>
internal sealed class TrueFalseCommand(bool success) : PipelineStage
{
    internal const string TrueHelp = """
        Usage: true [ignored command line arguments]
        Exit with a status code indicating success.
        """;

    internal const string FalseHelp = """
        Usage: false [ignored command line arguments]
        Exit with a status code indicating failure.
        """;

    /// <inheritdoc />
    public override string Name => success ? "true" : "false";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Arguments.Count == 1 && context.Arguments[0] == "--help")
        {
            // GNU false keeps its status even for --help.
            await Internal.CommandIO.HelpAsync(context, success ? TrueHelp : FalseHelp).ConfigureAwait(false);
            return success ? 0 : 1;
        }

        return success ? 0 : 1;
    }
}
