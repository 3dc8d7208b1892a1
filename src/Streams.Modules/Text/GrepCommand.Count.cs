using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>Counting selected lines (<c>-c</c>), in parts on every processor for a large regular file.</summary>
internal sealed partial class GrepCommand
{
    /// <summary>Plain <c>-c</c> (no <c>-m</c>, <c>-q</c>, <c>-l</c>, <c>-L</c>): the count over an input is the sum
    /// of the counts over any split of it at newlines.</summary>
    private bool CountOnly => _options.Count && !_options.NullData && _options.MaxCount < 0 && !_options.Quiet && !_options.FilesWithMatches && !_options.FilesWithoutMatch;

    // A large regular file is counted in parts, each on its own thread (FileParts); false when the input is not one.
    private bool TryCountInParts(StageContext context, string file, out long selected)
    {
        var parts = new PartCount[Environment.ProcessorCount];
        selected = 0;
        if (!FileParts.TryScan(context, file, parts, (ref PartCount part, Span<byte> lines) => part.Selected += CountSelected(lines, ref part.Chars, ref part.Binary)))
        {
            return false;
        }

        foreach (PartCount part in parts)
        {
            if (part.Binary && _options.BinaryFiles == GrepBinaryFiles.WithoutMatch)
            {
                selected = 0;
                break;
            }

            selected += part.Selected;
        }

        return true;
    }

    /// <summary>The number of selected lines in a block of whole lines (the last block of an input may lack its
    /// final newline). The block is changed: a NUL becomes a newline (not with -a). <paramref name="binary"/> is set
    /// when the block held a NUL; with -I the block's count is then 0.</summary>
    private long CountSelected(Span<byte> block, ref char[]? chars, ref bool binary)
    {
        if (BinaryToLines(block))
        {
            binary = true;
            if (_options.BinaryFiles == GrepBinaryFiles.WithoutMatch)
            {
                return 0;
            }
        }

        if (_literal is not null)
        {
            // One vectorized search over the block, then on from the line after each hit.
            long hits = 0;
            ReadOnlySpan<byte> rest = block;
            while (true)
            {
                int hit = rest.IndexOf(_literal);
                if (hit < 0)
                {
                    break;
                }

                hits++;
                int newline = rest[hit..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                rest = rest[(hit + newline + 1)..];
            }

            return _options.Invert ? LineCount(block) - hits : hits;
        }

        long selected = 0;
        while (!block.IsEmpty)
        {
            int newline = block.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? block : block[..newline];
            if (LineMatches(line, ref chars) != _options.Invert)
            {
                selected++;
            }

            block = newline < 0 ? default : block[(newline + 1)..];
        }

        return selected;
    }

    /// <summary>Like GNU grep, a file with NUL bytes is binary, and a NUL ends a line there (so "a\0a" counts twice
    /// with -c). True when <paramref name="block"/> held one; with -a (text) nothing is done and the answer is false.</summary>
    private bool BinaryToLines(Span<byte> block)
    {
        if (_options.BinaryFiles == GrepBinaryFiles.Text || _options.NullData || !block.Contains((byte)0))
        {
            return false;
        }

        block.Replace((byte)0, (byte)'\n');
        return true;
    }

    private static long LineCount(ReadOnlySpan<byte> block)
        => block.Count((byte)'\n') + (block.Length > 0 && block[^1] != (byte)'\n' ? 1 : 0);

    /// <summary>One part's count and its buffer for characters.</summary>
    private struct PartCount
    {
        public long Selected;
        public char[]? Chars;
        public bool Binary;
    }
}
