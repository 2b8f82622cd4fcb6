# Sourced by scripts/*: make sure .venv exists and holds this checkout, installed editable, with what
# the calling script needs, then leave VENV and ROOT set.  Call `sahel_setup SET` with SET one of
#   run    the bot and its REPL (what ./scripts/sahel-bot needs)
#   serve  plus the webhook server (./scripts/sahel-bot serve)
#   dev    plus the test and build tools (./scripts/test)
# It installs again when pyproject.toml changed since the last install, and when .venv holds a copy of
# sahel-bot that is not this checkout (`pip install .` in it replaces the editable install; from then on
# edits to facts/ or src/ would not count).  Progress goes to standard error.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SAHEL_BOT_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"

_say() { printf 'sahel-bot: %s\n' "$*" >&2; }

# True when .venv's sahel-bot is this checkout, installed editable (pip records how in direct_url.json).
_editable_here() {
    local record
    for record in "$VENV"/lib/python*/site-packages/sahel_bot-*.dist-info/direct_url.json; do
        [ -f "$record" ] || return 1
        grep -q '"editable": *true' "$record" && grep -qF "\"file://$ROOT\"" "$record" && return 0
    done
    return 1
}

# Install with pip, showing one line per step instead of pip's own output (kept in a log for failures).
_pip() {
    local log="$VENV/pip-sahel-bot.log" status line count
    set +e
    "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off "$@" 2>&1 | tee "$log" | {
        while IFS= read -r line; do
            case "$line" in
                "Collecting "*) line="${line#Collecting }"; _say "  collecting ${line%%[<>=!~ ;]*}" ;;
                "Processing "*.whl*) line="${line%% (*}"; line="${line##*/}"; _say "  collecting ${line%%-*}" ;;
                "Obtaining "*) _say "  reading this checkout" ;;
                "Building editable"* | "Building wheel"*) _say "  building sahel-bot" ;;
                "Installing collected packages: "*)
                    line="${line#Installing collected packages: }"
                    count=$(($(tr -cd ',' <<<"$line" | wc -c) + 1))
                    if [ "$count" -eq 1 ]; then _say "  installing 1 package"; else _say "  installing $count packages"; fi ;;
                "Successfully installed"*) _say "  done" ;;
            esac
        done
    }
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ]; then
        _say "pip failed (exit status $status); its output follows (also in $log)"
        cat "$log" >&2
        exit "$status"
    fi
}

sahel_setup() {
    local want="$1" extra stamp
    case "$want" in
        run) extra="" ;;
        serve) extra="[webhook]" ;;
        dev) extra="[dev]" ;;
        *) _say "internal error: unknown set-up '$want'"; exit 2 ;;
    esac
    if [ ! -x "$VENV/bin/python" ]; then
        _say "creating $VENV (first run only)"
        "$PY" -m venv "$VENV"
        _pip --quiet --upgrade pip
    fi
    if ls "$VENV"/.sahel-bot-* >/dev/null 2>&1; then
        if ! _editable_here; then
            _say "$VENV holds a copy of sahel-bot installed from elsewhere or with 'pip install .', not this"
            _say "checkout: installing this checkout again (editable, so edits to facts/ and src/ count)"
            rm -f "$VENV"/.sahel-bot-*
        fi
    fi
    for stamp in "$VENV/.sahel-bot-dev" "$VENV/.sahel-bot-$want"; do
        if [ -f "$stamp" ] && [ "$stamp" -nt "$ROOT/pyproject.toml" ]; then
            return 0
        fi
    done
    case "$want" in
        run) _say "installing sahel-bot into $VENV (what running it needs)" ;;
        serve) _say "installing sahel-bot and its webhook server into $VENV" ;;
        dev) _say "installing sahel-bot and the development tools (pytest, ruff, ...) into $VENV" ;;
    esac
    _pip -e "$ROOT$extra"
    touch "$VENV/.sahel-bot-$want"
    if [ "$want" = dev ]; then touch "$VENV/.sahel-bot-serve" "$VENV/.sahel-bot-run"; fi
    if [ "$want" = serve ]; then touch "$VENV/.sahel-bot-run"; fi
}
