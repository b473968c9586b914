namespace CustomerHealth.Lab.Client;

/// <summary>
/// A table for a terminal: a header row and the rows, each column as wide as its widest cell, two spaces apart;
/// numeric columns are right-aligned. Empty cells print as "-".
/// </summary>
public sealed class TextTable
{
    private readonly (string Header, bool Right)[] _columns;
    private readonly List<string[]> _rows = [];

    /// <param name="columns">The headers; a header ending in '>' is right-aligned (the '>' is not printed).</param>
    public TextTable(params string[] columns) =>
        _columns = [.. columns.Select(c => c.EndsWith('>') ? (c[..^1], true) : (c, false))];

    public int Count => _rows.Count;

    public void Add(params string?[] cells)
    {
        if (cells.Length != _columns.Length)
            throw new ArgumentException($"{_columns.Length} cells expected, not {cells.Length}", nameof(cells));
        _rows.Add([.. cells.Select(c => string.IsNullOrEmpty(c) ? "-" : c)]);
    }

    /// <param name="header">False for a list of facts (name and value) that needs no header row.</param>
    public async Task WriteToAsync(TextWriter output, bool header = true)
    {
        var widths = _columns.Select((c, i) => _rows.Select(r => r[i].Length).Append(c.Header.Length).Max()).ToArray();
        if (header) await output.WriteLineAsync(Line(_columns.Select(c => c.Header).ToArray(), widths));
        foreach (var row in _rows) await output.WriteLineAsync(Line(row, widths));
    }

    private string Line(string[] cells, int[] widths) => string.Join("  ", cells.Select((cell, i) =>
        _columns[i].Right ? cell.PadLeft(widths[i]) : i == cells.Length - 1 ? cell : cell.PadRight(widths[i])));
}
