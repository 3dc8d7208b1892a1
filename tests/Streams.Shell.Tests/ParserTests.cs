using Streams.Shell.Syntax;

namespace Streams.Shell.Tests;

public class ParserTests
{
    private static CommandNode Single(string text)
    {
        ScriptNode script = Parser.Parse(text);
        AndOrNode list = Assert.Single(script.Lists);
        PipelineNode pipeline = Assert.Single(list.Pipelines);
        return Assert.Single(pipeline.Commands);
    }

    private static string Literal(WordNode word) => string.Concat(word.Parts.Select(p => p switch
    {
        LiteralPart l => l.Text,
        ParameterPart q => "$" + q.Name,
        _ => "~",
    }));

    [Fact]
    public void Parse_SimpleCommand_SplitsWordsOnBlanks()
    {
        CommandNode command = Single("  grep  -i\tfoo   file ");
        Assert.Equal(["grep", "-i", "foo", "file"], command.Words.Select(Literal));
        Assert.Equal(1, command.Line);
        Assert.Equal(3, command.Column);
    }

    [Fact]
    public void Parse_Pipeline_KeepsCommandsInOrder()
    {
        ScriptNode script = Parser.Parse("a | b x |\n c");
        PipelineNode pipeline = Assert.Single(Assert.Single(script.Lists).Pipelines);
        Assert.Equal(["a", "b", "c"], pipeline.Commands.Select(c => Literal(c.Words[0])));
        Assert.False(pipeline.Negated);
    }

    [Fact]
    public void Parse_AndOr_RecordsJoinsLeftToRight()
    {
        AndOrNode list = Assert.Single(Parser.Parse("a && b || c &&\n d").Lists);
        Assert.Equal([AndOrKind.First, AndOrKind.And, AndOrKind.Or, AndOrKind.And], list.Joins);
        Assert.Equal(4, list.Pipelines.Count);
    }

    [Fact]
    public void Parse_Separators_SplitLists_AndMarkBackground()
    {
        ScriptNode script = Parser.Parse("a; b &\n\nc & d;");
        Assert.Equal(["a", "b", "c", "d"], script.Lists.Select(l => l.Text));
        Assert.Equal([false, true, true, false], script.Lists.Select(l => l.Background));
    }

    [Fact]
    public void Parse_Bang_NegatesPipeline_OnlyAsFirstWord()
    {
        PipelineNode negated = Assert.Single(Assert.Single(Parser.Parse("! a | b").Lists).Pipelines);
        Assert.True(negated.Negated);
        Assert.Equal(2, negated.Commands.Count);
        CommandNode plain = Single("echo !");
        Assert.Equal(["echo", "!"], plain.Words.Select(Literal));
        Assert.False(Assert.Single(Assert.Single(Parser.Parse("'!' a").Lists).Pipelines).Negated);
    }

    [Fact]
    public void Parse_Redirections_AnywhereInOrder()
    {
        CommandNode command = Single("<in cmd 2>err a >out 2>&1 b >>app 2>>eapp 1<&0 3>x >|clobber >&-");
        Assert.Equal(["cmd", "a", "b"], command.Words.Select(Literal));
        Assert.Equal(
            [
                (0, RedirectionKind.Input, "in"), (2, RedirectionKind.Output, "err"), (1, RedirectionKind.Output, "out"),
                (2, RedirectionKind.Duplicate, "1"), (1, RedirectionKind.Append, "app"), (2, RedirectionKind.Append, "eapp"),
                (1, RedirectionKind.Duplicate, "0"), (3, RedirectionKind.Output, "x"), (1, RedirectionKind.Output, "clobber"),
                (1, RedirectionKind.Duplicate, "-"),
            ],
            command.Redirections.Select(r => (r.Fd, r.Kind, Literal(r.Target))));
    }

    [Fact]
    public void Parse_AmpersandGreat_RedirectsBothOutputs()
    {
        CommandNode command = Single("cmd &>f a &>>g");
        Assert.Equal(["cmd", "a"], command.Words.Select(Literal));
        Assert.Equal(
            [(1, RedirectionKind.Output, "f"), (2, RedirectionKind.Duplicate, "1"), (1, RedirectionKind.Append, "g"), (2, RedirectionKind.Duplicate, "1")],
            command.Redirections.Select(r => (r.Fd, r.Kind, Literal(r.Target))));
        Assert.True(Assert.Single(Parser.Parse("a & >f").Lists.Take(1)).Background);
    }

    [Fact]
    public void Parse_DigitsNotTouchingOperator_AreAWord()
    {
        CommandNode command = Single("echo 2 >f");
        Assert.Equal(["echo", "2"], command.Words.Select(Literal));
        Assert.Equal(1, Assert.Single(command.Redirections).Fd);
    }

    [Fact]
    public void Parse_Assignments_OnlyBeforeTheCommandName()
    {
        CommandNode command = Single("A=1 B='x y' cmd C=3");
        Assert.Equal(["A", "B"], command.Assignments.Select(a => a.Name));
        Assert.Equal("x y", Literal(command.Assignments[1].Value));
        Assert.Equal(["cmd", "C=3"], command.Words.Select(Literal));
        CommandNode alone = Single("X=");
        Assert.Empty(alone.Words);
        Assert.Equal("", Literal(Assert.Single(alone.Assignments).Value));
        Assert.Single(Single("'A'=1").Words);
        Assert.Single(Single("1A=1").Words);
    }

    [Fact]
    public void Parse_Comments_RunToEndOfLine_OnlyAtWordStart()
    {
        ScriptNode script = Parser.Parse("# a comment\necho a#b # c | d\n#end");
        CommandNode command = Assert.Single(Assert.Single(Assert.Single(script.Lists).Pipelines).Commands);
        Assert.Equal(["echo", "a#b"], command.Words.Select(Literal));
    }

    [Fact]
    public void Parse_Quotes_MarkPartsQuoted()
    {
        WordNode word = Single("x 'a $b'\"c $d ${e}\\$\"\\*f").Words[1];
        Assert.Collection(
            word.Parts,
            p => Assert.Equal(new LiteralPart("a $bc ", true), p),
            p => Assert.Equal(new ParameterPart("d", true), p),
            p => Assert.Equal(new LiteralPart(" ", true), p),
            p => Assert.Equal(new ParameterPart("e", true), p),
            p => Assert.Equal(new LiteralPart("$", true), p),
            p => Assert.Equal(new LiteralPart("*", true), p),
            p => Assert.Equal(new LiteralPart("f", false), p));
    }

    [Fact]
    public void Parse_EmptyQuotes_AreAnEmptyQuotedPart()
    {
        WordNode word = Single("x ''").Words[1];
        Assert.Equal(new LiteralPart("", true), Assert.Single(word.Parts));
        Assert.Equal(new LiteralPart("", true), Assert.Single(Single("x \"\"").Words[1].Parts));
    }

    [Theory]
    [InlineData("$?", "?")]
    [InlineData("$#", "#")]
    [InlineData("$@", "@")]
    [InlineData("$*", "*")]
    [InlineData("$1", "1")]
    [InlineData("${12}", "12")]
    [InlineData("$$", "$")]
    [InlineData("$0", "0")]
    [InlineData("$NAME_1", "NAME_1")]
    [InlineData("${NAME}", "NAME")]
    public void Parse_Parameters_AreRecognized(string text, string name)
    {
        Assert.Equal(new ParameterPart(name, false), Assert.Single(Single("x " + text).Words[1].Parts));
    }

    [Fact]
    public void Parse_LoneDollar_IsLiteral()
    {
        Assert.Equal("a$ $", Literal(Single("x a$ $").Words[1]) + " " + Literal(Single("x $").Words[1]));
    }

    [Fact]
    public void Parse_Tilde_OnlyAtWordStart()
    {
        Assert.IsType<TildePart>(Single("x ~/a").Words[1].Parts[0]);
        Assert.IsType<TildePart>(Single("x ~").Words[1].Parts[0]);
        Assert.Equal("a~", Literal(Single("x a~").Words[1]));
        Assert.Equal("~", Literal(Single("x '~'").Words[1]));
    }

    [Fact]
    public void Parse_BackslashNewline_JoinsLines()
    {
        CommandNode command = Single("echo a\\\nb \\\n c");
        Assert.Equal(["echo", "ab", "c"], command.Words.Select(Literal));
    }

    [Fact]
    public void Parse_Empty_GivesNoLists()
    {
        Assert.Empty(Parser.Parse("").Lists);
        Assert.Empty(Parser.Parse("\n\n  # only a comment\n").Lists);
    }

    [Theory]
    [InlineData("| a", 1, 1, "unexpected '|'", false)]
    [InlineData("a | | b", 1, 5, "unexpected '|'", false)]
    [InlineData("a &&", 1, 5, "unexpected 'end of file'", true)]
    [InlineData("a |", 1, 4, "unexpected 'end of file'", true)]
    [InlineData("a ||\n", 2, 1, "unexpected 'end of file'", true)]
    [InlineData("a ; ; b", 1, 5, "unexpected ';'", false)]
    [InlineData("; a", 1, 1, "unexpected ';'", false)]
    [InlineData("a ;; b", 1, 3, "unexpected ';;'", false)]
    [InlineData("echo >", 1, 7, "unexpected 'newline'", false)]
    [InlineData("echo 2>\nx", 1, 8, "unexpected 'newline'", false)]
    [InlineData("echo > | x", 1, 8, "unexpected '|'", false)]
    [InlineData("echo (a)", 1, 6, "unexpected '('", false)]
    [InlineData("a )", 1, 3, "unexpected ')'", false)]
    [InlineData("a\nb | | c", 2, 5, "unexpected '|'", false)]
    [InlineData("& a", 1, 1, "unexpected '&'", false)]
    [InlineData("a && || b", 1, 6, "unexpected '||'", false)]
    [InlineData("a & && b", 1, 5, "unexpected '&&'", false)]
    [InlineData("a | ! b", 1, 5, "unexpected '!'", false)]
    [InlineData("! | a", 1, 3, "unexpected '|'", false)]
    [InlineData("! && a", 1, 3, "unexpected '&&'", false)]
    [InlineData("a ;& b", 1, 3, "unexpected ';&'", false)]
    [InlineData("echo `a`", 1, 6, "unsupported command substitution '`'", false)]
    [InlineData("echo \"x`a`\"", 1, 8, "unsupported command substitution '`'", false)]
    [InlineData("echo 'abc", 1, 6, "unterminated quote \"'\"", true)]
    [InlineData("echo x \"abc\n", 1, 8, "unterminated quote '\"'", true)]
    [InlineData("echo ${x", 1, 6, "unterminated '${'", true)]
    [InlineData("echo ${}", 1, 6, "bad substitution '${}'", false)]
    [InlineData("echo ${a-b}", 1, 6, "bad substitution '${a-b}'", false)]
    [InlineData("echo $(ls)", 1, 6, "unsupported command substitution '$('", false)]
    [InlineData("a |\n\n| b", 3, 1, "unexpected '|'", false)]
    public void Parse_SyntaxError_ReportsLineColumnAndToken(string text, int line, int column, string message, bool incomplete)
    {
        SyntaxException ex = Assert.Throws<SyntaxException>(() => Parser.Parse(text));
        Assert.Equal((line, column, message, incomplete), (ex.Line, ex.Column, ex.Message, ex.Incomplete));
    }

    [Fact]
    public void Parse_BackslashNewlineAtTheEnd_IsIncompleteOnlyWhenMoreMayFollow()
    {
        SyntaxException ex = Assert.Throws<SyntaxException>(() => Parser.Parse("echo a\\\n", more: true));
        Assert.Equal((1, 7, "unexpected 'end of file' after '\\'", true), (ex.Line, ex.Column, ex.Message, ex.Incomplete));
        Assert.Single(Parser.Parse("echo a\\\n").Lists);
        Assert.Equal("a\\", Assert.Single(Parser.Parse("echo a\\").Lists).Pipelines[0].Commands[0].Words[1].Raw);
        Assert.False(Parser.Parse("! ! true").Lists[0].Pipelines[0].Negated);
        Assert.True(Parser.Parse("! ! ! true").Lists[0].Pipelines[0].Negated);
    }

    [Fact]
    public void Format_ShowsMessageSourceLineAndCaretsUnderToken()
    {
        SyntaxException ex = Assert.Throws<SyntaxException>(() => Parser.Parse("echo ok\na && || b"));
        Assert.Equal("streams: syntax error at line 2, column 6: unexpected '||'\na && || b\n     ^^\n", ex.Format());
    }

    [Fact]
    public void Format_KeepsTabsSoTheCaretLinesUp()
    {
        SyntaxException ex = Assert.Throws<SyntaxException>(() => Parser.Parse("\ta\t| |"));
        Assert.Equal("streams: syntax error at line 1, column 6: unexpected '|'\n\ta\t| |\n\t \t  ^\n", ex.Format());
    }

    [Fact]
    public void Parse_FirstLine_OffsetsLineNumbers()
    {
        SyntaxException ex = Assert.Throws<SyntaxException>(() => Parser.Parse("x\n| y", firstLine: 10));
        Assert.Equal((11, 1), (ex.Line, ex.Column));
    }
}
