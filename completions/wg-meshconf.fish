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

function __wg_meshconf_complete
    set -l cmd (__wg_meshconf_cmd)
    or begin
        wg-meshconf __complete commands 2>/dev/null
        return
    end
    set -l tok (commandline -ct)
    set -l prev (commandline -opc)[-1]
    if string match -q -- '-*' $prev
        set -l kind (wg-meshconf __complete options $cmd 2>/dev/null | string match -r -- "^$prev\t.*" | string split \t)[2]
        switch "$kind"
            case dir
                __fish_complete_directories $tok
                return
            case file
                __fish_complete_path $tok
                return
            case format
                wg-meshconf __complete formats 2>/dev/null
                return
            case peer
                wg-meshconf (__wg_meshconf_db) __complete peers 2>/dev/null
                return
            case value
                return
        end
    end
    if string match -q -- '-*' $tok
        wg-meshconf __complete options $cmd 2>/dev/null | string split -f1 \t
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
complete -c wg-meshconf -n 'not __wg_meshconf_cmd' -s d -l database -r -d 'the database file'
