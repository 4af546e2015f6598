"""The documentation cannot rot: every link, command, path and name that the README and
docs/ show is checked against the code.

- Relative links (and their #anchors) point at files and headings that exist.
- Commands, in shell code blocks and in inline code: `make TARGET` names a target of the
  Makefile; `manage.py COMMAND ...` names a command and parses with Django's own parser for it
  (an unknown subcommand or option fails); `python -m MODULE` names an importable module. In
  shell blocks every other program must be on an explicit list of programs nobody can run
  here (apt-get, pg_dump...).
- Paths (`core/clock.py`) and dotted names (`core.content.Indexed`, `search.SearchSection`,
  the clock's `tickets.automations`) in inline code exist.
- Every environment variable the settings read is in docs/running/configuration.md.
- The architecture's picture has exactly the imports between apps that the code has.
- The README is a front door: under 150 lines, opening with `make run` and `make test`.
"""

import importlib
import importlib.util
import re
import shlex
import tomllib
import unicodedata
from functools import cache
from pathlib import Path

import grimp
import pytest
from django.apps import apps
from django.core.management import get_commands, load_command_class
from django.urls import Resolver404, resolve

from core import clock

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", ROOT / "content" / "README.md", *(ROOT / "docs").rglob("*.md")])
# Written on other branches at the same time as these pages: the links to them resolve once
# those are merged. Nothing else may be missing.
NOT_YET_MERGED = {
    "docs/running/email-security.md",
    "docs/running/staff-sign-in-security.md",
    "docs/running/privacy-and-webhooks.md",
}
# Files the how-to guides tell the reader to create (they are examples, not there yet).
EXAMPLE_PATHS = {
    "accounts/jobs.py",
    "kb/models/release_notes.py",
    "kb/migrations/0004_roles_for_release_notes.py",
    "templates/kb/releasenote_detail.html",
    "templates/tickets/email/ticket_escalated.txt",
    "templates/tickets/email/ticket_escalated_subject.txt",
}
# Programs a shell block may show that this test cannot run: system tools and the
# servers' own commands. Anything else in a shell block must be checkable.
UNCHECKED_PROGRAMS = {
    "apt-get",
    "cd",
    "createdb",
    "dropdb",
    "export",
    "gunicorn",
    "pg_dump",
    "pg_restore",
    "rsync",
    "sqlite3",
}
SHELL_BLOCKS = {"sh", "bash", "shell", "console", "cron"}
# Blocks that are not commands at all (the rest, e.g. `text`, are searched for manage.py).
NOT_COMMANDS = {"python", "json", "nginx", "mermaid", "markdown", "yaml", "toml", "html"}
# What a placeholder in capitals stands for when a command is parsed.
PLACEHOLDERS = {
    "DAY": "2026-12-01",
    "ISO": "2026-12-01T02:00Z",
    "MINUTES": "30",
    "SECONDS": "30",
    "PATH": "content/",
}
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")"}
APPS = set(
    tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
)


def rel(path):
    return path.relative_to(ROOT).as_posix()


# Reading Markdown: fenced blocks apart from the prose around them.

FENCE = re.compile(r"^(\s*)(```+)\s*([\w-]*)\s*$")


@cache
def parsed(path):
    """(prose, [(language, code)]) of a Markdown file."""
    prose, blocks, block = [], [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if block is None:
            match = FENCE.match(line)
            if match:
                block = (match.group(1), match.group(2), match.group(3).lower(), [])
            else:
                prose.append(line)
        elif line.strip() == block[1]:
            indent, _, language, lines = block
            blocks.append((language, "\n".join(x.removeprefix(indent) for x in lines)))
            block = None
            prose.append("")
        else:
            block[3].append(line)
    assert block is None, f"{rel(path)}: a code block is never closed"
    return "\n".join(prose), blocks


def inline_code(path):
    return [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", parsed(path)[0])]


def anchor(heading):
    """GitHub's anchor for a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text
    text = re.sub(r"[`*_]", "", text).strip().lower()
    text = "".join(c for c in text if c in " -" or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


@cache
def anchors(path):
    found, seen = set(), {}
    for line in parsed(path)[0].splitlines():
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = anchor(match.group(1))
            n = seen.get(base, 0)
            found.add(base if n == 0 else f"{base}-{n}")
            seen[base] = n + 1
    return found


# Commands.


@cache
def make_targets():
    targets = set()
    for line in (ROOT / "Makefile").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_. -]+?)\s*:(?!=)", line)
        if match and not line.startswith("\t"):
            targets.update(match.group(1).split())
    return targets


@cache
def parser_for(command):
    return load_command_class(get_commands()[command], command).create_parser("manage.py", command)


# A redirection: `< file`, `>/dev/null`, `2>&1` (a file descriptor only when glued to it).
REDIRECTION = re.compile(r"(?<!\S)\d?(?:>>|>&|>|<)\s*([^\s;&|]+)")


def tokens(line):
    """The words of a shell line, without its redirections (their targets returned apart)."""
    line = re.sub(r"\$\([^()]*\)", "X", line)  # $(date +%F)
    redirected = REDIRECTION.findall(line)
    lexer = shlex.shlex(REDIRECTION.sub(" ", line), posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    return list(lexer), redirected


def segments(words):
    """The simple commands between separators."""
    current = []
    for word in [*words, ";"]:
        if word in SEPARATORS:
            if current:
                yield current
            current = []
        else:
            current.append(word)


def is_repo_path(word):
    word = word.split("=", 1)[-1]
    if "/" not in word or word.startswith(("/", ".")) or re.search(r"[<>*{}:$]", word):
        return False
    return (ROOT / word.split("/")[0]).exists()


def check_paths(words, where):
    for word in words:
        path = word.split("=", 1)[-1].rstrip("/")
        if is_repo_path(word) and path not in EXAMPLE_PATHS:
            assert (ROOT / path).exists(), f"{where}: no such path {path!r}"


def placeholder(word):
    if word == "...":
        return "x"
    if re.fullmatch(r"[A-Z][A-Z_]+", word):
        return PLACEHOLDERS.get(word, "x")
    return word


def check_manage(args, where):
    commands = get_commands()
    if not args:
        return
    name, rest = args[0], [placeholder(word) for word in args[1:]]
    assert name in commands, f"{where}: manage.py has no command {name!r}"
    if rest:  # `manage.py status` alone names the command
        try:
            parser_for(name).parse_args(rest)
        except (Exception, SystemExit) as error:
            pytest.fail(f"{where}: `manage.py {' '.join(args)}` does not parse: {error}")


def check_command(words, where, *, strict):
    """One simple command. Returns what was checked, for the tests of this test."""
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words = words[1:]  # VAR=value before the program
    if not words:
        return None
    manage = next((i for i, word in enumerate(words) if word.endswith("manage.py")), None)
    if manage is not None:
        check_manage(words[manage + 1 :], where)
        return "manage.py"
    program = Path(words[0]).name
    if program == "make":
        targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        if not targets:
            assert not strict, f"{where}: `make` without a target"
            return None
        for target in targets:
            assert target in make_targets(), f"{where}: the Makefile has no target {target!r}"
        return "make"
    if program.startswith("python") and len(words) > 2 and words[1] == "-m":
        assert importlib.util.find_spec(words[2]), f"{where}: no module {words[2]!r}"
        return "python -m"
    if program.startswith("python") and len(words) > 1 and words[1] == "-c":
        return "python -c"
    if program == "curl":
        check_curl(words, where)
        return "curl"
    if strict:
        assert program in UNCHECKED_PROGRAMS, (
            f"{where}: `{' '.join(words)}`: check it here or add {program!r} to UNCHECKED_PROGRAMS"
        )
    return None


def check_curl(words, where):
    """curl examples call this site (`$HC/...`) at an address it answers."""
    urls = [word for word in words[1:] if word.startswith("$HC/")]
    assert urls, f"{where}: `{' '.join(words)}`: curl examples call $HC/..."
    for url in urls:
        path = url.removeprefix("$HC").split("?")[0]
        try:
            match = resolve(path)
        except Resolver404:
            pytest.fail(f"{where}: the site has no address {path}")
        assert match.view_name != "api:not-found", f"{where}: the API has no operation {path}"


def logical_lines(language, code):
    for line in re.sub(r"\\\n", " ", code).splitlines():
        line = line.strip()
        if language == "console":
            line = line.removeprefix("$ ")
        if language == "cron" and line and not line.startswith("#"):
            line = line.split(None, 5)[-1]  # the command after the five time fields
        if line:
            yield line


def check_line(line, where, *, strict):
    words, redirected = tokens(line)
    check_paths(redirected, where)
    checked = []
    for command in segments(words):
        check_paths(command, where)
        checked.append(check_command(command, where, strict=strict))
    return checked


# The tests.


@pytest.mark.parametrize("path", DOCS, ids=rel)
def test_relative_links_reach_files_and_headings(path):
    prose = re.sub(r"`[^`]+`", "", parsed(path)[0])
    for target in re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", prose):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        file, _, fragment = target.partition("#")
        destination = (path.parent / file).resolve() if file else path
        name = rel(destination) if destination.is_relative_to(ROOT) else str(destination)
        if not destination.exists():
            assert name in NOT_YET_MERGED, f"{rel(path)}: the link {target} leads nowhere"
            continue
        if fragment and destination.suffix == ".md":
            assert fragment in anchors(destination), (
                f"{rel(path)}: {name} has no heading for #{fragment}"
            )


@pytest.mark.parametrize("path", DOCS, ids=rel)
def test_commands_in_code_blocks_exist_and_parse(path):
    for language, code in parsed(path)[1]:
        if language in NOT_COMMANDS:
            continue
        strict = language in SHELL_BLOCKS
        for line in logical_lines(language, code):
            if strict or "manage.py" in line:
                check_line(line, f"{rel(path)} ({language or 'text'} block)", strict=strict)


@pytest.mark.parametrize("path", DOCS, ids=rel)
def test_commands_in_inline_code_exist_and_parse(path):
    for span in inline_code(path):
        first = re.sub(r"^(\s*[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*", "", span)
        if "manage.py" in span or first.startswith("make "):
            check_line(span, f"{rel(path)}: `{span}`", strict=False)


@cache
def job_names():
    return {job.name for job in clock.jobs()}


def resolves(name):
    name = re.sub(r"\(.*\)$", "", name)
    if name in job_names():
        return True
    parts = name.split(".")
    if len(parts) == 2:
        try:
            apps.get_model(name)
            return True
        except (LookupError, ValueError):
            pass
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attribute in parts[cut:]:
                found = getattr(found, attribute)
        except AttributeError:
            return False
        return True
    return False


@pytest.mark.parametrize("path", DOCS, ids=rel)
def test_paths_and_names_in_inline_code_exist(path):
    for span in inline_code(path):
        if " " in span:
            continue
        if is_repo_path(span):
            check_paths([span], rel(path))
        elif re.fullmatch(r"[a-z_]+(\.[A-Za-z_]\w*)+(\(.*\))?", span) and (
            span.split(".")[0] in APPS and not re.search(r"\.[EWI]\d{3}$", span)
        ):
            assert resolves(span), f"{rel(path)}: `{span}` names nothing in the code"


def test_every_environment_variable_the_settings_read_is_documented():
    read = set()
    sources = [*(ROOT / "helpcenter" / "settings").glob("*.py"), ROOT / "gunicorn.conf.py"]
    for source in [*sources, ROOT / "core" / "logs.py"]:
        read |= set(
            re.findall(
                r"(?:os\.environ\.get\(|os\.environ\[|env_bool\(|env_list\()\s*\"([A-Z0-9_]+)\"",
                source.read_text(),
            )
        )
    assert len(read) > 50  # the pattern still finds them
    table = "\n".join(
        line
        for line in (ROOT / "docs" / "running" / "configuration.md").read_text().splitlines()
        if line.startswith("|")
    )
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert not missing, f"not in the tables of docs/running/configuration.md: {missing}"


def test_the_architecture_picture_is_the_code():
    (picture,) = [
        code
        for language, code in parsed(ROOT / "docs" / "developers" / "ARCHITECTURE.md")[1]
        if language == "mermaid"
    ]
    drawn = set(re.findall(r"^\s*(\w+)\s*-->\s*(\w+)\s*$", picture, re.M))
    graph = grimp.build_graph(*sorted(APPS), include_external_packages=False)
    imported = {
        (a, b)
        for a in APPS
        for b in APPS
        if a != b and graph.direct_import_exists(importer=a, imported=b, as_packages=True)
    }
    assert drawn == imported, (
        f"drawn but not in the code: {sorted(drawn - imported)}; "
        f"in the code but not drawn: {sorted(imported - drawn)}"
    )


def test_the_readme_is_a_front_door():
    readme = ROOT / "README.md"
    assert len(readme.read_text().splitlines()) < 150
    language, first_block = parsed(readme)[1][0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert language == "sh" and commands == ["make run", "make test"]
    opening = readme.read_text().split("```")[0]
    assert len(opening.splitlines()) < 15, "the two commands come first"


# The checks catch what they are for.


def test_a_bad_command_option_or_target_fails():
    check_line(".venv/bin/python manage.py clock --once", "ok", strict=True)
    for bad in [
        ".venv/bin/python manage.py clock --never",  # unknown option
        ".venv/bin/python manage.py status incident reopen CODE",  # unknown subcommand
        ".venv/bin/python manage.py no_such_command",
        "make no-such-target",
        "curl https://help.example.com/",  # not this site
        "curl $HC/api/v1/no-such-thing",
        ".venv/bin/python manage.py receive_email < tests/no/such.eml",
    ]:
        with pytest.raises((AssertionError, pytest.fail.Exception)):
            check_line(bad, "test", strict=True)


def test_what_a_line_is_made_of():
    line = "cd /srv && DEBUG=1 .venv/bin/python manage.py status tick >/dev/null 2>&1; make lint"
    assert check_line(line, "test", strict=True) == [None, "manage.py", "make"]
    assert anchor("Search: what readers find") == "search-what-readers-find"
    assert anchor("The site's protections") == "the-sites-protections"
    assert resolves("core.content.Indexed") and resolves("status.tick")
    assert resolves("search.SearchSection") and not resolves("search.counting")
