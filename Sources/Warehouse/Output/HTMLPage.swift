import SQLiteDB

/// The HTML that `owl report` and `--format html` write: one UTF-8 document with its style
/// inline, no script, and a content security policy that forbids any request.
public enum HTMLPage {
    static func esc(_ text: String) -> String { SVGChart.escape(text) }

    static let style = """
        body{font-family:Helvetica,Arial,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
        h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
        .meta{color:#555;font-size:.92em}.empty{background:#f6f6f6;border-left:4px solid #999;padding:.6em 1em}
        figure{margin:1.2em 0}svg{max-width:100%;height:auto}
        pre{background:#f4f4f4;padding:.5em;overflow-x:auto;font-size:.85em;white-space:pre-wrap;word-break:break-all}
        table{border-collapse:collapse;font-size:.85em}th,td{border-bottom:1px solid #e4e4e4;padding:2px 8px;text-align:left}
        td.n{text-align:right;font-variant-numeric:tabular-nums}details{margin:.4em 0}summary{cursor:pointer;color:#0072B2}
        .notes{color:#8a4b00;font-size:.9em}ul.sources{font-size:.82em;word-break:break-all}
        @media print{details{display:none}}
        """

    /// Everything up to and including the page's heading.
    public static func start(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>\(esc(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        <h1>\(esc(title))</h1>

        """
    }

    public static let end = "</body>\n</html>\n"

    static func tableStart(_ columns: [String]) -> String {
        "<table>\n<thead><tr>" + columns.map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
    }

    static let tableEnd = "</tbody>\n</table>\n"

    /// One row: numbers right-aligned, NULL blank.
    static func row(_ row: [SQLValue]) -> String {
        "<tr>" + row.map { value in
            switch value {
            case .integer, .real: return "<td class=\"n\">\(esc(RowFormatter.text(value)))</td>"
            default: return "<td>\(esc(RowFormatter.text(value)))</td>"
            }
        }.joined() + "</tr>\n"
    }

    static func table(_ columns: [String], _ rows: [[SQLValue]]) -> String {
        tableStart(columns) + rows.map(row).joined() + tableEnd
    }
}
