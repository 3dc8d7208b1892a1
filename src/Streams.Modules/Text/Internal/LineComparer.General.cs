using System.Globalization;
using System.Numerics;

namespace Streams.Modules.Text.Internal;

/// <summary>sort's <c>-g</c>: GNU reads each key with <c>strtold</c> into an x86 80-bit long double (a 64-bit
/// significand, exponents down to 2^-16445 and up to 2^16383) and compares the values, so that is what is compared
/// here: 0.1000000000000000001 and 0.1 differ, 1e-400 is above 0 and 1e400 below inf, 0x1p3 is 8.</summary>
/// <remarks>Keys of at most 15 significant decimal digits, well inside double's range, compare as doubles (rounding
/// to a double or to a long double keeps distinct such numbers distinct and in order): the common case, without
/// allocation. Other keys are rounded to the long double exactly, with BigInteger arithmetic.</remarks>
internal readonly partial struct LineComparer
{
    private const int GeneralNone = 0;
    private const int GeneralNaN = 1;
    private const int GeneralValue = 2;

    /// <summary>GNU's <c>-g</c>: non-numbers first (equal among themselves), then NaNs (equal here; see
    /// SortFuzzTests' remarks), then numbers by value, -0 equal to 0.</summary>
    private static int GeneralCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        GeneralNumber x = GeneralNumber.Parse(a), y = GeneralNumber.Parse(b);
        if (x.Class != y.Class)
        {
            return x.Class < y.Class ? -1 : 1;
        }

        if (x.Class != GeneralValue)
        {
            return 0;
        }

        if (x.Simple && y.Simple)
        {
            return x.Value.CompareTo(y.Value);
        }

        (int signX, int exponentX, ulong significandX) = x.LongDouble(a);
        (int signY, int exponentY, ulong significandY) = y.LongDouble(b);
        if (signX != signY)
        {
            return signX < signY ? -1 : 1;
        }

        int magnitude = exponentX != exponentY ? exponentX.CompareTo(exponentY) : significandX.CompareTo(significandY);
        return signX < 0 ? -magnitude : magnitude;
    }

    /// <summary>Where strtold's number lies in a key, and its value as a double when that orders it as well as
    /// the long double does (<see cref="Simple"/>).</summary>
    private readonly struct GeneralNumber
    {
        /// <summary>Above this exponent (2^16383 × 2) a long double is infinite.</summary>
        private const int MaxExponent = 16383;

        /// <summary>The exponent of the smallest normal long double; subnormals have it too, with a smaller
        /// significand (the least is 1, that is 2^-16445).</summary>
        private const int MinExponent = -16382;

        /// <summary>At most this many significant digits are read exactly; the rest count only as zero or not (a
        /// 1 after the kept ones). That rounds as all the digits would: a tie between two long doubles has at most
        /// about 11,500 significant digits (64 + 0.7 × 16,446 for the smallest subnormals), so the kept digits and
        /// the whole number lie on the same side of each.</summary>
        private const int MaxDigits = 12_000;

        private static readonly BigInteger Ten15 = BigInteger.Pow(10, 15);

        private static readonly BigInteger Sixteen15 = BigInteger.Pow(16, 15);

        private GeneralNumber(int @class, bool negative, bool simple, double value, int start, int end, bool hex, bool infinite)
        {
            Class = @class;
            Negative = negative;
            Simple = simple;
            Value = value;
            Start = start;
            End = end;
            Hex = hex;
            Infinite = infinite;
        }

        /// <summary>Not a number, NaN or a number.</summary>
        public int Class { get; }

        public bool Negative { get; }

        /// <summary>Whether <see cref="Value"/> (a double) orders this number.</summary>
        public bool Simple { get; }

        public double Value { get; }

        /// <summary>Where the digits start (after the sign and any 0x).</summary>
        private int Start { get; }

        /// <summary>Where the number ends (after the exponent).</summary>
        private int End { get; }

        private bool Hex { get; }

        private bool Infinite { get; }

        /// <summary>Reads the longest prefix of <paramref name="s"/> that strtold takes, in the C locale: white
        /// space, a sign, then inf or infinity, nan (with its parenthesised tail), 0x with hexadecimal digits, a
        /// point and a binary exponent (p), or decimal digits, a point and an exponent (e).</summary>
        public static GeneralNumber Parse(ReadOnlySpan<byte> s)
        {
            int i = 0;
            while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
            {
                i++;
            }

            int signed = i;
            bool negative = i < s.Length && s[i] == '-';
            if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (StartsWithIgnoringCase(s[i..], "inf"u8))
            {
                double infinity = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return new GeneralNumber(GeneralValue, negative, true, infinity, i, i, false, true);
            }

            if (StartsWithIgnoringCase(s[i..], "nan"u8))
            {
                return new GeneralNumber(GeneralNaN, negative, false, double.NaN, i, i, false, false);
            }

            bool hex = i + 1 < s.Length && s[i] == '0' && (s[i + 1] | 0x20) == 'x' && HexDigits(s, i + 2) > 0;
            int start = hex ? i + 2 : i;
            int end = start;
            int significant = 0;
            bool leading = true;
            bool point = false;
            bool any = false;
            for (; end < s.Length; end++)
            {
                byte c = s[end];
                if (c == '.' && !point)
                {
                    point = true;
                    continue;
                }

                if (!(hex ? char.IsAsciiHexDigit((char)c) : char.IsAsciiDigit((char)c)))
                {
                    break;
                }

                any = true;
                leading &= c == '0';
                significant += leading ? 0 : 1;
            }

            if (!any)
            {
                return new GeneralNumber(GeneralNone, false, false, 0, 0, 0, false, false);
            }

            int mantissaEnd = end;
            int exponent = 0;
            if (end + 1 < s.Length && (s[end] | 0x20) == (hex ? 'p' : 'e'))
            {
                int e = end + 1;
                bool minus = s[e] == '-';
                if (s[e] is (byte)'+' or (byte)'-')
                {
                    e++;
                }

                int digits = e;
                while (e < s.Length && char.IsAsciiDigit((char)s[e]))
                {
                    exponent = Math.Min((exponent * 10) + (s[e] - '0'), 1_000_000);
                    e++;
                }

                if (e > digits)
                {
                    end = e;
                    exponent = minus ? -exponent : exponent;
                }
            }

            // A double orders it as the long double would: few enough digits, far enough from the range's ends.
            bool simple = !hex && significant <= 15 && Math.Abs(exponent) <= 250 && mantissaEnd - start <= 40;
            double value = simple ? double.Parse(s[signed..end], NumberStyles.Float, CultureInfo.InvariantCulture) : 0;
            return new GeneralNumber(GeneralValue, negative, simple, value, start, end, hex, false);
        }

        /// <summary>The long double strtold makes of the number: its sign (-1, 0 or 1), exponent and 64-bit
        /// significand (value = significand × 2^(exponent - 63)), rounded to nearest, ties to even; infinity
        /// has the largest exponent.</summary>
        public (int Sign, int Exponent, ulong Significand) LongDouble(ReadOnlySpan<byte> s)
        {
            int sign = Negative ? -1 : 1;
            if (Infinite)
            {
                return (sign, int.MaxValue, 0);
            }

            // First only count the digits: a number out of range whatever they are needs no big integers.
            Digits(s, accumulate: false, out _, out int count, out int scale, out int at);
            if (count == 0)
            {
                return (0, 0, 0);
            }

            scale += Exponent(s, at);

            // The value lies in [10^(count - 1 + scale), 10^(count + scale)), or for hexadecimal (scale in bits)
            // in [2^(4 (count - 1) + scale), 2^(4 count + scale)).
            long low = Hex ? (4L * (count - 1)) + scale : count - 1L + scale;
            long high = Hex ? (4L * count) + scale : count + (long)scale;
            if (Hex ? low > MaxExponent + 1 : low > 4933)
            {
                return (sign, int.MaxValue, 0);
            }

            if (Hex ? high < MinExponent - 64 : high < -4952)
            {
                return (0, 0, 0);
            }

            Digits(s, accumulate: true, out BigInteger digits, out _, out _, out _);
            BigInteger numerator = digits, denominator = BigInteger.One;
            if (Hex)
            {
                numerator = scale >= 0 ? numerator << scale : numerator;
                denominator = scale >= 0 ? denominator : denominator << -scale;
            }
            else
            {
                BigInteger power = BigInteger.Pow(10, Math.Abs(scale));
                numerator = scale >= 0 ? numerator * power : numerator;
                denominator = scale >= 0 ? denominator : power;
            }

            (int binary, ulong significand) = Round(numerator, denominator);
            return significand == 0 ? (0, 0, 0) : binary > MaxExponent ? (sign, int.MaxValue, 0) : (sign, binary, significand);
        }

        /// <summary>Reads the significant digits (at most <see cref="MaxDigits"/>, then one 1 for any nonzero digit
        /// dropped) as one integer when <paramref name="accumulate"/>, 15 at a time; <paramref name="count"/> is how
        /// many, <paramref name="scale"/> the power of the base (10, or 2 for hexadecimal) that scales them, and
        /// <paramref name="at"/> where the mantissa ends.</summary>
        private void Digits(ReadOnlySpan<byte> s, bool accumulate, out BigInteger digits, out int count, out int scale, out int at)
        {
            digits = BigInteger.Zero;
            List<ulong> chunks = accumulate ? [] : null!;
            ulong chunk = 0;
            int inChunk = 0;
            count = 0;
            scale = 0;
            bool point = false;
            bool sticky = false;
            int radix = Hex ? 16 : 10;
            int step = Hex ? 4 : 1;
            for (at = Start; at < End; at++)
            {
                byte c = s[at];
                if (c == '.')
                {
                    point = true;
                    continue;
                }

                if (!(Hex ? char.IsAsciiHexDigit((char)c) : char.IsAsciiDigit((char)c)))
                {
                    break;
                }

                int digit = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
                if (count == 0 && digit == 0)
                {
                    scale -= point ? step : 0;
                    continue;
                }

                if (count == MaxDigits)
                {
                    scale += point ? 0 : step;
                    sticky |= digit != 0;
                    continue;
                }

                if (accumulate)
                {
                    chunk = (chunk * (ulong)radix) + (ulong)digit;
                    if (++inChunk == 15)
                    {
                        chunks.Add(chunk);
                        (chunk, inChunk) = (0, 0);
                    }
                }

                count++;
                scale -= point ? step : 0;
            }

            if (sticky)
            {
                // A last nonzero digit below the ones kept: rounds as the dropped ones would (but for a tie).
                chunk = (chunk * (ulong)radix) + 1;
                inChunk++;
                count++;
                scale -= step;
            }

            if (accumulate)
            {
                digits = (Combine(chunks, 0, chunks.Count, Hex ? Sixteen15 : Ten15) * BigInteger.Pow(radix, inChunk)) + chunk;
            }
        }

        /// <summary>The number whose digits in base <paramref name="chunkBase"/> are <paramref name="chunks"/>
        /// [<paramref name="from"/>, <paramref name="to"/>), most significant first: halves joined by one
        /// multiplication, so that thousands of digits cost far less than one multiplication per chunk.</summary>
        private static BigInteger Combine(List<ulong> chunks, int from, int to, BigInteger chunkBase)
        {
            if (to - from <= 8)
            {
                var value = BigInteger.Zero;
                for (int i = from; i < to; i++)
                {
                    value = (value * chunkBase) + chunks[i];
                }

                return value;
            }

            int middle = from + ((to - from) / 2);
            return (Combine(chunks, from, middle, chunkBase) * BigInteger.Pow(chunkBase, to - middle)) + Combine(chunks, middle, to, chunkBase);
        }

        /// <summary>The exponent after the mantissa (which ends at <paramref name="at"/>), or 0.</summary>
        private int Exponent(ReadOnlySpan<byte> s, int at)
        {
            if (at >= End)
            {
                return 0;
            }

            int e = at + 1;
            bool minus = s[e] == '-';
            if (s[e] is (byte)'+' or (byte)'-')
            {
                e++;
            }

            int value = 0;
            for (; e < End; e++)
            {
                value = Math.Min((value * 10) + (s[e] - '0'), 1_000_000);
            }

            return minus ? -value : value;
        }

        /// <summary>Rounds the positive <paramref name="numerator"/> / <paramref name="denominator"/> to a 64-bit
        /// significand (subnormal below <see cref="MinExponent"/>), to nearest with ties to even.</summary>
        private static (int Exponent, ulong Significand) Round(BigInteger numerator, BigInteger denominator)
        {
            // The value lies in [2^(k-1), 2^(k+1)).
            long k = numerator.GetBitLength() - denominator.GetBitLength();
            int exponent = (int)Math.Max(MinExponent, k - 1);
            (BigInteger quotient, BigInteger remainder, BigInteger divisor) = Divide(numerator, denominator, exponent);
            if (quotient >= BigInteger.One << 64)
            {
                exponent++;
                (quotient, remainder, divisor) = Divide(numerator, denominator, exponent);
            }

            int half = (remainder * 2).CompareTo(divisor);
            if (half > 0 || (half == 0 && !quotient.IsEven))
            {
                quotient++;
            }

            if (quotient == BigInteger.One << 64)
            {
                quotient = BigInteger.One << 63;
                exponent++;
            }

            return (exponent, (ulong)quotient);
        }

        /// <summary>numerator / denominator × 2^(63 - exponent), as a quotient, a remainder and the divisor.</summary>
        private static (BigInteger Quotient, BigInteger Remainder, BigInteger Divisor) Divide(BigInteger numerator, BigInteger denominator, int exponent)
        {
            int shift = 63 - exponent;
            BigInteger n = shift >= 0 ? numerator << shift : numerator;
            BigInteger d = shift >= 0 ? denominator : denominator << -shift;
            BigInteger quotient = BigInteger.DivRem(n, d, out BigInteger remainder);
            return (quotient, remainder, d);
        }

        private static bool StartsWithIgnoringCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> word)
        {
            if (s.Length < word.Length)
            {
                return false;
            }

            for (int i = 0; i < word.Length; i++)
            {
                if ((s[i] | 0x20) != word[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static int HexDigits(ReadOnlySpan<byte> s, int at)
        {
            int n = 0;
            for (int i = at; i < s.Length; i++)
            {
                if (char.IsAsciiHexDigit((char)s[i]))
                {
                    n++;
                }
                else if (s[i] != '.' || n > 0 || i != at)
                {
                    break;
                }
            }

            return n;
        }
    }
}
