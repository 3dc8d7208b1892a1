using System.IO.Pipelines;
using Streams.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary>The file names that stand for the stage's own standard streams (<c>/dev/stdin</c>,
/// <c>/dev/stdout</c>, <c>/dev/stderr</c> and <c>/dev/fd/0</c>–<c>2</c>).</summary>
/// <remarks>A command runs in the shell's process, where opening <c>/dev/stdin</c> would reach the shell's
/// descriptor 0 rather than the pipe the stage reads: <c>echo hi | cat /dev/stdin</c> must print <c>hi</c>, as it
/// does in sh, where each command is a process of its own.</remarks>
internal static class StandardNames
{
    /// <summary>Whether <paramref name="name"/> names standard input.</summary>
    public static bool IsInput(string name) => name is "/dev/stdin" or "/dev/fd/0";

    /// <summary>The stage's stdout or stderr when <paramref name="name"/> names one of them; else null.</summary>
    public static PipeWriter? Output(StageContext context, string name) => name switch
    {
        "/dev/stdout" or "/dev/fd/1" => context.Output,
        "/dev/stderr" or "/dev/fd/2" => context.Error,
        _ => null,
    };
}
