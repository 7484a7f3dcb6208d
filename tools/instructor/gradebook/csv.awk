# csv.awk - the CSV the class tools read and write (RFC 4180, one record
# a line): loaded before each tool's own program (awk -f csv.awk -f ...).
# Only POSIX awk: mawk, gawk and busybox all run it.

# Split LINE into F[1..n]: fields quoted or not, "" inside quotes a quote.
# Returns n, or -1 when a quote is left open or text follows a closing
# quote (a malformed line is refused, never guessed at).
function csv_split(line, F,    n, i, c, field, quoted, len) {
	sub(/\r$/, "", line)
	n = 0; field = ""; quoted = 0; len = length(line)
	for (i = 1; i <= len; i++) {
		c = substr(line, i, 1)
		if (quoted) {
			if (c != "\"") { field = field c; continue }
			if (substr(line, i + 1, 1) == "\"") { field = field c; i++; continue }
			quoted = 0
			c = substr(line, i + 1, 1)
			if (c != "," && c != "") return -1
			continue
		}
		if (c == ",") { F[++n] = field; field = ""; continue }
		if (c == "\"" && field == "") { quoted = 1; continue }
		field = field c
	}
	if (quoted) return -1
	F[++n] = field
	return n
}

# S as a CSV field: always quoted, quotes doubled (a name may hold a comma).
function csv_q(s) {
	gsub(/"/, "\"\"", s)
	return "\"" s "\""
}

# S escaped for HTML text and attributes.
function html_esc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s)
	return s
}
