using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>-r</c> and <c>-R</c>: the files under a directory operand, as GNU grep's walk finds them.</summary>
internal sealed partial class GrepCommand
{
    /// <summary>One input of grep: the operand as given (<c>-</c> for stdin), the name grep prints for it, whether
    /// it was found inside a directory (which names it even alone), or what is wrong with it.</summary>
    private readonly record struct GrepInput(string Operand, string Name, bool Found, string? Problem = null, bool Warning = false);

    /// <summary>The operands, each directory replaced by the files under it when recursing.</summary>
    /// <remarks>As GNU (fts, no sorting): a directory's entries in the order the file system lists them, each
    /// subdirectory walked where it is met; <c>-r</c> follows a symbolic link only when it is an operand and skips
    /// the ones it meets, <c>-R</c> follows all (and warns of a directory loop); FIFOs, sockets and devices met in
    /// the walk are skipped. With no operand, <c>-r</c> walks <c>.</c> and prints names without <c>./</c>.
    /// <c>--include</c>, <c>--exclude</c> and <c>--exclude-dir</c> skip what they match, operands included
    /// (<see cref="GrepOptions.IsExcludedFile"/>). <c>-d skip</c> passes over directory operands and <c>-D skip</c>
    /// over FIFOs, sockets and devices (never stdin).</remarks>
    private IEnumerable<GrepInput> Inputs(StageContext context, List<string> operands)
    {
        bool implicitDot = operands.Count == 0 && _options.Recursive != GrepRecursion.None;
        foreach (string operand in implicitDot ? ["."] : operands.Count == 0 ? ["-"] : operands)
        {
            if (operand == "-" || StandardNames.IsInput(operand)
                || (_options.Recursive == GrepRecursion.None && _options.FileFilters.Count == 0 && _options.ExcludedDirectories.Count == 0
                    && !_options.SkipDirectories && !_options.SkipDevices))
            {
                yield return new GrepInput(operand, operand, false);
                continue;
            }

            string path = context.ResolvePath(operand);
            FileKind kind = FileKinds.Of(path, followLinks: true, out (ulong, ulong) identity);
            bool directory = kind == FileKind.Directory;
            if ((directory && _options.SkipDirectories) || (kind == FileKind.Other && _options.SkipDevices))
            {
                // -d skip, -D skip: not read, and no error.
                continue;
            }

            // --include, --exclude and --exclude-dir apply to operands too (not to the '.' of a bare -r).
            if (directory ? !implicitDot && _options.IsExcludedDirectory(operand, operand: true) : _options.IsExcludedFile(operand, operand: true))
            {
                continue;
            }

            if (!directory || _options.Recursive == GrepRecursion.None)
            {
                yield return new GrepInput(operand, operand, false);
                continue;
            }

            var ancestors = new List<(ulong, ulong)> { identity };
            foreach (GrepInput found in Walk(implicitDot ? "" : operand, path, ancestors))
            {
                yield return found;
            }
        }
    }

    private IEnumerable<GrepInput> Walk(string name, string path, List<(ulong, ulong)> ancestors)
    {
        IEnumerable<string> entries;
        string? problem = null;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(path).ToList();
        }
        catch (UnauthorizedAccessException)
        {
            entries = [];
            problem = "Permission denied";
        }
        catch (IOException ex)
        {
            entries = [];
            problem = ex is DirectoryNotFoundException ? "No such file or directory" : ex.Message;
        }

        if (problem is not null)
        {
            yield return new GrepInput(name, name.Length == 0 ? "." : name, true, problem);
            yield break;
        }

        bool follow = _options.Recursive == GrepRecursion.FollowAll;
        foreach (string entry in entries)
        {
            string leaf = Path.GetFileName(entry);
            // GNU's fts drops an operand's trailing slashes ("sub//" lists "sub/b").
            string childName = name.Length == 0 ? leaf : name.TrimEnd('/') + "/" + leaf;
            FileKind kind = FileKinds.Of(entry, follow, out (ulong, ulong) identity);
            if (kind == FileKind.Directory ? _options.IsExcludedDirectory(leaf, operand: false) : _options.IsExcludedFile(leaf, operand: false))
            {
                continue;
            }

            switch (kind)
            {
                case FileKind.Regular:
                    yield return new GrepInput(entry, childName, true);
                    break;
                case FileKind.Directory when ancestors.Contains(identity):
                    yield return new GrepInput(entry, childName, true, "warning: recursive directory loop", Warning: true);
                    break;
                case FileKind.Directory:
                    ancestors.Add(identity);
                    foreach (GrepInput found in Walk(childName, entry, ancestors))
                    {
                        yield return found;
                    }

                    ancestors.RemoveAt(ancestors.Count - 1);
                    break;
                case FileKind.Missing when follow:
                    // A dangling link: GNU -R reports it as the file it cannot open.
                    yield return new GrepInput(entry, childName, true, "No such file or directory");
                    break;
                default:
                    // -r: a symbolic link met in the walk; FIFOs, sockets and devices (never opened: a FIFO would
                    // block the walk); a file gone meanwhile.
                    break;
            }
        }
    }
}
