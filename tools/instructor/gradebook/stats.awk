# stats.awk - what the class got wrong, from the per-test CSV grade-class
# keeps (student,lab,number,test,points,max,verdict: the grader's own
# verdict files, never the programs' output).  Needs csv.awk first.
#   awk -f csv.awk -f stats.awk -v stats=FILE -v html=FILE [-v note=TEXT] TESTS.csv
# stats: one row per lab and test: how many students' labs ran it, passed,
# failed, skipped it, for how many it was the lab's first failure, and
# which is the most common first failure of the lab.  A lab that did not
# run (did not build, missing, ...) is one row of its own, test
# "(did-not-build)", number NN.00: its students count there, not as
# failing each test.  html: the same as a page with bars, nothing
# loaded from anywhere.

NR == 1 {
	if (csv_split($0, H) != 7 || H[1] != "student" || H[7] != "verdict") {
		print "stats: " FILENAME ": not grade-class's per-test CSV (its header: " $0 ")" > "/dev/stderr"
		bad = 1; exit 2
	}
	next
}
{
	if (csv_split($0, F) != 7) {
		print "stats: " FILENAME ":" NR ": a malformed line" > "/dev/stderr"
		bad = 1; exit 2
	}
	st = F[1]; lab = F[2]; num = F[3]; test = F[4]; v = F[7]
	if (test == "(lab)") test = "(" v ")"
	k = lab SUBSEP num SUBSEP test
	if (!(k in seen)) { seen[k] = 1; keys[++nkeys] = k; points[k] = F[6] }
	if (!((lab, st) in ran)) { ran[lab, st] = 1; nstud[lab]++ }
	if (!(lab in haslab)) { haslab[lab] = 1; labs[++nlabs] = lab }
	students[st] = 1
	runs[k]++
	if (v == "PASS") pass[k]++
	else if (v == "SKIP") skip[k]++
	else {
		fail[k]++
		# the lab's first failure: the lowest number (NN.II) it failed
		if (!((lab, st) in first) || num < firstnum[lab, st]) {
			first[lab, st] = k; firstnum[lab, st] = num
		}
	}
}

END {
	if (bad) exit 2
	for (x in first) firsts[first[x]]++
	for (x in students) nall++
	sort_keys()
	# the most common first failure of each lab: most students, then the
	# earliest in the lab
	for (i = 1; i <= nkeys; i++) {
		split(keys[i], p, SUBSEP)
		if (firsts[keys[i]] > 0 && firsts[keys[i]] > firsts[top[p[1]]]) top[p[1]] = keys[i]
	}
	write_csv()
	write_html()
}

function sort_keys(    i, j, t) {   # by lab, then number, then test
	for (i = 2; i <= nkeys; i++) {
		t = keys[i]
		for (j = i - 1; j >= 1 && keys[j] > t; j--) keys[j + 1] = keys[j]
		keys[j + 1] = t
	}
	for (i = 2; i <= nlabs; i++) {
		t = labs[i]
		for (j = i - 1; j >= 1 && labs[j] > t; j--) labs[j + 1] = labs[j]
		labs[j + 1] = t
	}
}

function write_csv(    i, k, p) {
	print "lab,number,test,points,students,passed,failed,skipped,first_failure,most_common_first_failure" > stats
	for (i = 1; i <= nkeys; i++) {
		k = keys[i]; split(k, p, SUBSEP)
		printf "%s,%s,%s,%d,%d,%d,%d,%d,%d,%s\n", p[1], p[2], csv_q(p[3]), points[k],
			runs[k], pass[k], fail[k], skip[k], firsts[k], top[p[1]] == k ? "yes" : "" > stats
	}
	close(stats)
}

# A bar of N out of OF students, 150 pixels at most: inline SVG.
function bar(n, of, colour,    w) {
	w = of > 0 ? int(150 * n / of + 0.5) : 0
	return sprintf("<svg width=\"150\" height=\"14\" role=\"img\" aria-label=\"%d of %d\"><rect width=\"150\" height=\"14\" fill=\"#eee\"/><rect width=\"%d\" height=\"14\" fill=\"%s\"/></svg>", n, of, w, colour)
}

function write_html(    i, j, k, p, lab, t, full) {
	print "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>" > html
	print "<title>Socket Labs: what the class got wrong</title>" > html
	print "<style>\nbody { font-family: sans-serif; margin: 2em; color: #222; }\n" \
	      "table { border-collapse: collapse; margin-bottom: 2em; }\n" \
	      "th, td { padding: 2px 10px; text-align: left; border-bottom: 1px solid #ddd; }\n" \
	      "td.n { text-align: right; font-variant-numeric: tabular-nums; }\n" \
	      "tr.top td { background: #fff3cd; font-weight: bold; }\n" \
	      "tr.lab td { font-style: italic; }\n" \
	      "code { font-size: 95%; white-space: nowrap; }\nth { white-space: nowrap; }\n.note { color: #666; }\n</style>\n</head>\n<body>" > html
	printf "<h1>Socket Labs: what the class got wrong</h1>\n<p>%d students. %s</p>\n", nall, html_esc(note) > html
	print "<p class=\"note\">Red: the students whose lab ran and failed the test (of those whose lab ran). Blue: for how many it was the lab's first failure. The highlighted row is the lab's most common first failure. A lab that did not run is a row of its own, in italics.</p>" > html
	for (j = 1; j <= nlabs; j++) {
		lab = labs[j]; full = 0
		printf "<h2>Lab %s</h2>\n", html_esc(lab) > html
		if (top[lab] != "") {
			split(top[lab], p, SUBSEP)
			printf "<p>Most common first failure: <code>%s</code> (%d of %d students).</p>\n", html_esc(p[3]), firsts[top[lab]], nstud[lab] > html
		} else
			printf "<p>Every one of its %d students passed every test.</p>\n", nstud[lab] > html
		print "<table>\n<tr><th>test</th><th>points</th><th>failed</th><th></th><th>first failure</th><th></th><th>skipped</th></tr>" > html
		for (i = 1; i <= nkeys; i++) {
			k = keys[i]; split(k, p, SUBSEP)
			if (p[1] != lab) continue
			t = p[2] ~ /\.00$/ ? "lab" : ""
			if (top[lab] == k) t = t (t ? " " : "") "top"
			printf "<tr%s><td><code>%s %s</code></td><td class=\"n\">%d</td><td class=\"n\">%d/%d</td><td>%s</td><td class=\"n\">%d</td><td>%s</td><td class=\"n\">%d</td></tr>\n",
				t ? " class=\"" t "\"" : "", html_esc(p[2]), html_esc(p[3]), points[k],
				fail[k], runs[k], bar(fail[k], runs[k], "#c0392b"),
				firsts[k], bar(firsts[k], nstud[lab], "#2e6da4"), skip[k] > html
		}
		print "</table>" > html
	}
	print "</body>\n</html>" > html
	close(html)
}
