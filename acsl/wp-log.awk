# Turns a Frama-C WP log into per-function counts: "function<TAB>proved<TAB>total".
# Goal names are "typed_<function>_<property>"; the function is the longest
# known name (from the file fns) that prefixes it. The log holds three
# passes (prove.sh): the first tries every goal and smoke test, each later
# one only the goals the passes before it left unproved, so a goal's last
# verdict is the one that counts. Unproved goals, failed smoke tests and a first pass whose count
# disagrees with WP's own summary are reported on stderr (prove.sh fails on
# any of them).
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
    goal = word[1]
    if (!(goal in verdict)) { order[++goals] = goal; passes_seen[goal] = passes }
    verdict[goal] = word[3]
    next
}
/Smoke-test / {
    smokes++
    if ($2 != "[Passed]") printf "%s: smoke test failed (inconsistent contract or dead code): %s\n", module, $0 > "/dev/stderr"
    next
}
/^\[wp\] Proved goals:/ {
    # The first pass's summary counts every goal and smoke test.
    if (!passes++) { first_total = $NF; first_goals = goals }
    next
}
END {
    for (i = 1; i <= goals; i++) {
        goal = order[i]; fn = owner(goal)
        total[fn]++
        if (verdict[goal] == "Valid") proved[fn]++
        else printf "%s: goal %s: %s\n", module, goal, verdict[goal] > "/dev/stderr"
        if (passes_seen[goal] > 0)
            printf "%s: goal %s appears only after the first pass\n", module, goal > "/dev/stderr"
    }
    print "function\tproved\ttotal"
    for (fn in total) printf "%s\t%d\t%d\n", fn, proved[fn], total[fn] | "sort"
    close("sort")
    if (!passes) printf "%s: no WP summary line in the log\n", module > "/dev/stderr"
    else if (first_total != first_goals + smokes)
        printf "%s: counted %d goals + %d smoke tests, WP reports %d\n", module, first_goals, smokes, first_total > "/dev/stderr"
}
