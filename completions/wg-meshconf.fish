# fish completion for wg-meshconf. Everything it offers comes from the binary
# itself (`wg-meshconf __complete ...`), so new commands and options need no
# change here.

function __wg_meshconf_db
    set -l words (commandline -opc)
    for i in (seq 2 (count $words))
        if contains -- $words[$i] -d --database
            set -l next (math $i + 1)
            test $next -le (count $words); and echo -d; and echo $words[$next]
            return
        end
        if string match -q -- '--database=*' $words[$i]
            echo -d
            string replace -- --database= '' $words[$i]
            return
        end
    end
end

function __wg_meshconf_cmd
    set -l words (commandline -opc)
    set -l skip 0
    for w in $words[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case -d --database
                set skip 1
            case '-*'
            case '*'
                echo $w
                return 0
        end
    end
    return 1
end

# What an option's value is, in CMD's table (the global one without CMD).
function __wg_meshconf_kind -a opt cmd
    for line in (wg-meshconf __complete options $cmd 2>/dev/null)
        set -l f (string split \t -- $line)
        if test "$f[1]" = "$opt"
            echo $f[2]
            return
        end
    end
end

function __wg_meshconf_complete
    set -l cmd (__wg_meshconf_cmd)
    set -l tok (commandline -ct)
    set -l prev (commandline -opc)[-1]
    set -l pre ''
    # --option=VALUE: the value after the '=', offered with its option.
    if string match -qr -- '^--[^=]+=' $tok
        set prev (string split -m1 = -- $tok)[1]
        set pre "$prev="
        set tok (string split -m1 = -- $tok)[2]
    else if not string match -q -- '-*' $prev
        set prev ''
    end
    if test -n "$prev"
        switch "$(__wg_meshconf_kind $prev $cmd)"
            case dir
                __fish_complete_directories $tok | string replace -r '^' -- $pre
                return
            case file
                __fish_complete_path $tok | string replace -r '^' -- $pre
                return
            case format
                # A comma-separated list: the names after what is typed.
                set -l done (string match -r -- '^.*,' $tok)
                wg-meshconf __complete formats 2>/dev/null | string replace -r '^' -- "$pre$done"
                return
            case peer
                wg-meshconf (__wg_meshconf_db) __complete peers 2>/dev/null | string replace -r '^' -- $pre
                return
            case value
                return
        end
    end
    if string match -q -- '-*' $tok
        wg-meshconf __complete options $cmd 2>/dev/null | string split -f1 \t
        return
    end
    if test -z "$cmd"
        wg-meshconf __complete commands 2>/dev/null
        return
    end
    switch (wg-meshconf __complete positional $cmd 2>/dev/null)
        case peer
            wg-meshconf (__wg_meshconf_db) __complete peers 2>/dev/null
        case file
            __fish_complete_path $tok
        case dir
            __fish_complete_directories $tok
    end
end

complete -c wg-meshconf -f -a '(__wg_meshconf_complete)'
