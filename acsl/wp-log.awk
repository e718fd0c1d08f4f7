# Turns a Frama-C WP log into per-function counts: "function<TAB>proved<TAB>total".
# Goal names are "typed_<function>_<property>"; the function is the longest
# known name (from the file fns) that prefixes it. Unproved goals, failed
# smoke tests and a goal count that disagrees with WP's own summary are
# reported on stderr (prove.sh fails on any of them).
BEGIN {
    FS = " "
    while ((getline f < fns) > 0) known[f] = 1
    close(fns)
}
function owner(goal,    best, f) {
    sub(/^typed_/, "", goal)
    best = ""
    for (f in known)
        if (index(goal, f "_") == 1 && length(f) > length(best)) best = f
    return best == "" ? "(module)" : best
}
/^\[wp\] \[[^]]+\] Goal / {
    # "[wp] [CVC4 1.8] Goal <name> : Valid (...)": the tag may hold spaces.
    line = $0
    sub(/^\[wp\] \[[^]]+\] Goal /, "", line)
    split(line, word, " ")
    goal = word[1]; verdict = word[3]
    fn = owner(goal)
    total[fn]++; goals++
    if (verdict == "Valid") proved[fn]++
    else printf "%s: goal %s: %s\n", module, goal, verdict > "/dev/stderr"
    next
}
/Smoke-test / {
    smokes++
    if ($2 != "[Passed]") printf "%s: smoke test failed (inconsistent contract or dead code): %s\n", module, $0 > "/dev/stderr"
    next
}
/^\[wp\] Proved goals:/ { summary_total = $NF; seen_summary = 1 }
END {
    print "function\tproved\ttotal"
    for (fn in total) printf "%s\t%d\t%d\n", fn, proved[fn], total[fn] | "sort"
    close("sort")
    if (!seen_summary) printf "%s: no WP summary line in the log\n", module > "/dev/stderr"
    else if (summary_total != goals + smokes)
        printf "%s: counted %d goals + %d smoke tests, WP reports %d\n", module, goals, smokes, summary_total > "/dev/stderr"
}
