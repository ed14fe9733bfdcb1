package dev.usher.status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows in aligned columns, as Karaf's shell prints its tables ({@code bundle:list}): a header,
 * a rule, then a row a line, cells separated by {@code │}. Columns whose header starts with
 * {@code #} are numbers, aligned right (the {@code #} is not printed).
 */
final class ColumnTable {

    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    ColumnTable(String... headers) {
        this.headers = new String[headers.length];
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith("#");
            this.headers[i] = right[i] ? headers[i].substring(1) : headers[i];
        }
    }

    /** Adds a row of one cell per column; {@code null} prints empty. */
    ColumnTable row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.length + " columns");
        }
        rows.add(Arrays.stream(cells).map(cell -> cell == null ? "" : cell.toString()).toArray(String[]::new));
        return this;
    }

    /** The table, every line ending in a line feed and without trailing spaces. */
    String text() {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        for (int i = 0; i < headers.length; i++) {
            out.append(i == 0 ? "" : "─┼─").append("─".repeat(widths[i]));
        }
        out.append('\n');
        for (String[] row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append(" │ ");
            }
            String pad = " ".repeat(widths[i] - cells[i].length());
            line.append(right[i] ? pad + cells[i] : cells[i] + pad);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
