using Streams.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary><c>--files0-from=F</c> (wc, sort): the NUL-terminated file names in F, <c>-</c> for standard input.</summary>
internal static class NulNames
{
    /// <summary>Reads the names in <paramref name="from"/>; a last name may lack its NUL, and an empty one stays in
    /// the list (the command refuses it with its position). Null with the failure when F cannot be read.</summary>
    public static async ValueTask<(List<string>? Names, Exception? Failure)> ReadAsync(StageContext context, string from)
    {
        byte[] list;
        if (from == "-")
        {
            list = await context.Input.ReadAllBytesAsync(context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            try
            {
                list = await File.ReadAllBytesAsync(context.ResolvePath(from), context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (null, ex);
            }
        }

        List<string> names = [.. System.Text.Encoding.UTF8.GetString(list).Split('\0')];
        if (names[^1].Length == 0)
        {
            names.RemoveAt(names.Count - 1);
        }

        return (names, null);
    }

    /// <summary>Why name number <paramref name="index"/> (from 0) of <paramref name="from"/> is refused, as GNU says
    /// it, or null: an empty name, or <c>-</c> among names read from stdin.</summary>
    public static string? Refusal(string from, int index, string name)
        => name.Length == 0 ? $"{from}:{index + 1}: invalid zero-length file name"
            : from == "-" && name == "-" ? "when reading file names from stdin, no file name of '-' allowed"
            : null;
}
