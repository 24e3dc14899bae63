"""The command line: the only place that prints and exits.

Exit codes: 0 all good, 1 an input has problems, 2 usage error (bad options, refused overwrite),
3 internal error, 4 the machine could not do it (full disk, failed write, missing Chromium): each
:class:`ethicard.errors.Failure` carries its own, and :func:`main` catches them once.
Heavy modules are imported inside the commands, so ``--help`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from . import __version__
from .completion import REQUEST, SHELLS
from .errors import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    EnvironmentFailure,
    Failure,
    UsageError,
    printable,
)
from .vocabulary import CHECK_FORMATS, KINDS, RENDER_FORMATS, REPORT_FORMATS, SCHEMES, STAMP_SOURCES

if TYPE_CHECKING:
    from .assessment import Report
    from .batch import CardResult
    from .reporters import Reporter
    from .step_summary import StepSummary

_MAX_BYTES_HELP = "largest input accepted, in bytes (default: $ETHICARD_MAX_BYTES, else 1000000)"


EXIT_CODES = """exit codes:
  0  all good
  1  an input has problems (each printed as file:line:col: path: message (hint))
  2  usage error: bad options, a refused overwrite, a missing optional extra (pip install ...)
  3  internal error: a bug in ethicard (run with --debug for the traceback)
  4  the machine could not do it: a full disk, a failed write, Chromium missing or failing"""
_DEBUG_HELP = "show tracebacks of internal errors (also: ETHICARD_DEBUG=1)"
# (description, examples) of each command, for its --help
_HELP = {
    "init": (
        "Write a card skeleton: every question of the checklist and its guidance as YAML comments.",
        ["ethicard init --kind dataset -o card.yaml", "ethicard init --checklist venue.yaml"],
    ),
    "check": (
        "Validate cards and report their completeness, the gaps they show and the rules' findings.\n"
        "Folders are searched for *.yaml and *.yml cards.",
        [
            "ethicard check card.yaml",
            "ethicard check cards/ --jobs 0 --format csv",
            "ethicard check card.yaml --min-score 80",
        ],
    ),
    "render": (
        "Render a card as a disclosure card document. Formats: " + ", ".join(RENDER_FORMATS) + " (hf: a Hugging Face\n"
        "README; croissant: a dataset card as Croissant JSON-LD); the format follows the output file's extension,\n"
        "or -f.",
        [
            "ethicard render card.yaml -o card.md",
            "ethicard render card.yaml -o card.pdf",
            "ethicard render card.yaml --into README.md",
        ],
    ),
    "schema": (
        "Print the JSON Schema of the card YAML, for editors' completion and checks.",
        ["ethicard schema > ethicard-card.schema.json"],
    ),
    "badge": (
        "Write an SVG badge with a card's completeness, for READMEs.",
        ["ethicard badge card.yaml -o ethicard.svg"],
    ),
    "crosswalk": (
        "Show which items of another reporting scheme a card covers.",
        ["ethicard crosswalk card.yaml --to neurips", "ethicard crosswalk card.yaml --to claim2024 --format json"],
    ),
}


def _epilog(command: str) -> str:
    examples = "\n".join(f"  {example}" for example in _HELP.get(command, ("", []))[1])
    return f"examples:\n{examples}\n\n{EXIT_CODES}" if examples else EXIT_CODES


class _Unbuilt:
    """Stands for the parser of a command not asked for: its options are not built (see ``_parser``)."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        pass


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, told the terminal's width: argparse makes one for every argument it
    adds and would import shutil (with bz2 and lzma, a few milliseconds) to ask for the width."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2)


def _columns() -> int:
    """The terminal's width, as shutil.get_terminal_size reads it: $COLUMNS, the terminal, or 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, a command name, only that command's parser is built
    (a few milliseconds of every start), which parses that command's arguments the same."""
    parser = argparse.ArgumentParser(
        prog="ethicard",
        description="Disclosure cards for medical image synthesis (MISyn): fill in, check, render.",
        epilog=EXIT_CODES + "\n\nRun 'ethicard COMMAND --help' for a command's options and examples.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"ethicard {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    common = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)  # --debug after the command too
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    class _Commands:
        """``add_parser`` with each command's description, examples and exit codes."""

        @staticmethod
        def add_parser(name: str, **kwargs: str) -> argparse.ArgumentParser:
            if only is not None and name != only:
                return _Unbuilt()  # type: ignore[return-value]
            return subparsers.add_parser(
                name,
                description=_HELP.get(name, (kwargs.get("help"), []))[0],
                epilog=_epilog(name),
                formatter_class=_Formatter,
                parents=[common],
                **kwargs,  # type: ignore[arg-type]
            )

    commands = _Commands()

    init = commands.add_parser("init", help="write a card skeleton with every question as a comment")
    init.add_argument("--kind", choices=KINDS, default=KINDS[0])
    init.add_argument("-o", "--output", default="ethicard.yaml", help="file to write (default: ethicard.yaml)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument("--checklist", default="misyn", help="bundled checklist id or checklist file")

    check = commands.add_parser("check", help="validate cards and report what they leave open")
    check.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")
    check.add_argument(
        "--format",
        choices=CHECK_FORMATS,
        default="text",
        help="output: text, json, csv, github (workflow annotations), sarif (SARIF 2.1.0); default: text",
    )
    check.add_argument("-j", "--jobs", type=int, default=1, help="processes to use (default 1; 0: one per core)")
    check.add_argument("--checklist", help="checklist file or bundled id (default: the one the card names)")
    check.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)
    check.add_argument("--strict", action="store_true", help="fail (exit 1) when a card shows a gap or a finding")
    check.add_argument("--no-waivers", action="store_true", help="with --strict: waived findings fail too (for venues)")
    check.add_argument("--min-score", type=_percent, metavar="N", help="fail (exit 1) when completeness is below N%%")
    check.add_argument("--images", metavar="DIR", help="compare the card's labelling claims with the marks in DIR")

    render = commands.add_parser("render", help="render a card as a disclosure card document")
    render.add_argument("file", metavar="FILE")
    render.add_argument("-o", "--output", help="output file; the format follows its extension (default: stdout)")
    render.add_argument(
        "-f",
        "--format",
        dest="fmt",
        metavar="FORMAT",
        help=f"one of {', '.join(RENDER_FORMATS)}; overrides the extension",
    )
    render.add_argument("--checklist", help="checklist file or bundled id (default: the one the card names)")
    render.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)
    render.add_argument("--template", metavar="FILE", help="your own Jinja template, run in a sandbox")
    render.add_argument("--standalone", action="store_true", help="LaTeX: a complete document, not a fragment")
    render.add_argument("--into", metavar="README", help="write the card between ethicard markers in this README")
    render.add_argument(
        "--anonymous",
        action="store_true",
        help="for double-blind review: authors, contact, links and other personal fields replaced, in every format",
    )
    render.add_argument(
        "--summary", action="store_true", help="a one-page summary (md, html, pdf, tex, json) instead of the card"
    )

    schema = commands.add_parser("schema", help="print the JSON Schema of the card YAML, for editors")
    schema.add_argument("--checklist", default="misyn", help="bundled checklist id or checklist file")

    badge = commands.add_parser("badge", help="write an SVG badge with a card's completeness, for READMEs")
    badge.add_argument("file", metavar="FILE")
    badge.add_argument("-o", "--output", help="SVG file to write (default: stdout)")
    badge.add_argument("--checklist", help="checklist file or bundled id (default: the one the card names)")
    badge.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)

    form = commands.add_parser("form", help="write the questionnaire as an offline HTML page to fill in or review")
    form.add_argument("file", metavar="CARD", nargs="?", help="a card to prefill the page with (or to review)")
    form.add_argument("-o", "--output", help="HTML file to write (default: stdout)")
    form.add_argument("--review", action="store_true", help="a read-only page for reviewers: needs a CARD")
    form.add_argument("--checklist", help="checklist file or bundled id (default: the card's, else misyn)")
    form.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)

    crosswalk = commands.add_parser("crosswalk", help="which items of another reporting scheme a card covers")
    crosswalk.add_argument("file", metavar="FILE")
    crosswalk.add_argument("--to", required=True, choices=SCHEMES, help="the other scheme")
    crosswalk.add_argument(
        "--format", choices=REPORT_FORMATS, default="text", help="md: the scheme's items with the answers"
    )
    crosswalk.add_argument("-o", "--output", help="file to write (default: stdout)")
    crosswalk.add_argument("--checklist", help="checklist file or bundled id (default: the one the card names)")
    crosswalk.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)
    diff = commands.add_parser("diff", help="what changed between two versions of a card: answers, gaps, findings")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument(
        "--format", choices=REPORT_FORMATS, default="text", help="md: for a pull-request comment"
    )
    diff.add_argument("-o", "--output", help="file to write (default: stdout)")
    diff.add_argument("--checklist", help="checklist file or bundled id for both (default: the ones the cards name)")
    diff.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)

    migrate = commands.add_parser(
        "migrate", help="move a card to a newer version of its checklist, keeping comments and order"
    )
    migrate.add_argument("file", metavar="FILE")
    migrate.add_argument("--to", metavar="VERSION", help="checklist version to move to (default: the current one)")
    migrate.add_argument("--dry-run", action="store_true", help="print the change as a unified diff; write nothing")
    migrate.add_argument("-o", "--output", help="write the migrated card here instead of over FILE")
    migrate.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)

    changelog = commands.add_parser("changelog", help="what each version of a bundled checklist changed, in Markdown")
    changelog.add_argument("checklist", nargs="?", default="misyn", help="bundled checklist id (default: misyn)")
    changelog.add_argument("-o", "--output", help="file to write (default: stdout)")
    stamp = commands.add_parser("stamp", help="write the synthetic-image marker into image files")
    stamp.add_argument("card", metavar="CARD", help="the card of the model that made the images")
    stamp.add_argument("paths", nargs="+", metavar="IMAGE_OR_FOLDER")
    stamp.add_argument(
        "--source",
        choices=STAMP_SOURCES,
        default=STAMP_SOURCES[0],
        help="generated by the model (default), or a medical image the model edited",
    )
    stamp.add_argument("--generator", help="what made the images (default: the card's name and version)")
    stamp.add_argument("--link", help="where the card is published (default: the card's 'card' link, else its first)")
    stamp.add_argument("-j", "--jobs", type=int, default=1, help="processes (default 1; 0: one per core)")
    stamp.add_argument("--c2pa-cert", metavar="PEM", help="also sign C2PA content credentials: certificate chain")
    stamp.add_argument("--c2pa-key", metavar="PEM", help="the private key of the C2PA signing certificate")
    stamp.add_argument("--c2pa-alg", default="es256", help="C2PA signing algorithm (default: es256)")

    inspect = commands.add_parser("inspect", help="say which image files carry a synthetic-image marker")
    inspect.add_argument("paths", nargs="+", metavar="IMAGE_OR_FOLDER")
    inspect.add_argument("--card", help="the card the marks should point to (others are 'inconsistent')")
    inspect.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output (default: text)")
    inspect.add_argument("-j", "--jobs", type=int, default=1, help="processes (default 1; 0: one per core)")
    inspect.add_argument("--require-mark", action="store_true", help="fail (exit 1) unless every image is marked")

    completion = commands.add_parser("completion", help="print a shell completion script (bash, zsh, fish)")
    completion.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    return parser


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 100")
    return value


def _report(
    path: str,
    checklist_name: str | None,
    given_max_bytes: int | None,
    *,
    anonymous: bool = False,
    compiled: bool = False,
) -> Report:
    """The assessed card.  ``compiled``: the caller reads the card only as records can be read
    (records.py), so a valid card naming a bundled checklist may skip pydantic's models."""
    from .assessment import assess
    from .files import max_bytes_setting

    max_bytes = max_bytes_setting(given_max_bytes)
    checklist = None
    if checklist_name:
        from .checklist import load_checklist  # a checklist given: the pydantic models

        checklist = load_checklist(checklist_name, max_bytes=max_bytes)
    if anonymous or not compiled:  # anonymise edits the models: always pydantic
        from .cards import load_card
    else:
        from .compiled import load_card
    card, used = load_card(path, checklist, max_bytes=max_bytes)
    if anonymous:
        from .anonymise import CAVEAT, anonymise

        made = anonymise(card)
        card = made.card
        print(
            f"anonymised: {made.fields} personal fields and {made.in_text} places in free text replaced; {CAVEAT}",
            file=sys.stderr,
        )
    return assess(card, used)


def _init(args: argparse.Namespace) -> int:
    from .checklist import load_checklist
    from .files import write_atomic
    from .skeleton import skeleton

    if os.path.lexists(args.output) and not args.force:
        raise UsageError(f"{args.output} already exists; use --force to overwrite it")
    write_atomic(args.output, skeleton(load_checklist(args.checklist), args.kind))
    print(f"wrote {args.output}: a {args.kind} card skeleton to fill in", file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from .batch import Options, check_cards
    from .discover import find_cards
    from .files import max_bytes_setting
    from .progress import ProgressBar, with_progress
    from .reporters import LOCATED, reporter
    from .step_summary import StepSummary

    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    _check_images_folder(args)
    files = find_cards(args.files)
    gated = args.strict or args.min_score is not None
    step = StepSummary.from_environment(files, gated=gated)
    options = Options(
        args.format,
        args.strict,
        args.min_score,
        waivers=not args.no_waivers,
        catch_internal=not _debug(args),
        located=args.format in LOCATED,
        images=args.images,
        image_jobs=args.jobs,
    )
    results = check_cards(
        files,
        checklist_name=args.checklist,
        max_bytes=max_bytes_setting(args.max_bytes),
        jobs=args.jobs,
        options=options,
    )
    bar = ProgressBar(len(files)) if len(files) > 1 and sys.stderr.isatty() else None
    with reporter(args.format, len(files), gated=gated) as output:
        sys.stdout.write(output.start())
        _write(with_progress(_reported(results, output, step), bar, shares_screen=sys.stdout.isatty()))
        sys.stdout.write(output.end())
        if step:
            step.write()
        return output.exit_code


def _reported(results: Iterable[CardResult], output: Reporter, step: StepSummary | None) -> Iterator[tuple[str, str]]:
    """Each card's (standard output, standard error) text; each card counted in the job summary."""
    for result in results:
        if step:
            step.add(result)
        yield output.add(result)


def _check_images_folder(args: argparse.Namespace) -> None:
    """``check --images DIR`` compares one card's labelling claims with the marks of the images in DIR."""
    if args.images is None:
        return
    if len(args.files) != 1 or os.path.isdir(args.files[0]):
        raise UsageError("--images compares one card with its images; name one card file")
    if not os.path.isdir(args.images):
        raise UsageError(f"--images {args.images}: not a folder")


def _render(args: argparse.Namespace) -> int:
    from .files import refuse_same_file, write_atomic
    from .rendering import render, render_bytes, render_template, resolve_format

    if args.output == "":
        raise UsageError("-o needs a file name ('-' for standard output)")
    if args.output == "-":
        args.output = None
    if args.into:
        return _render_into(args)
    chosen = resolve_format(
        args.fmt, args.output, standalone=args.standalone, summary=args.summary, template=bool(args.template)
    )
    fmt = chosen.name
    if args.output:
        refuse_same_file(args.output, *_inputs(args))
    if chosen.convert is not None:  # a binary document (PDF): to a file only
        if not args.output:
            raise UsageError(f"{fmt} output is a binary file; name it with -o, e.g. -o card.{fmt}")
        report = _report(args.file, args.checklist, args.max_bytes, anonymous=args.anonymous, compiled=True)
        write_atomic(args.output, render_bytes(report, fmt, template=args.template, summary=args.summary))
        print(printable(f"wrote {args.output}"), file=sys.stderr)
        return EXIT_OK
    report = _report(args.file, args.checklist, args.max_bytes, anonymous=args.anonymous, compiled=True)
    if args.template:
        text = render_template(report, fmt, args.template, standalone=args.standalone)
    else:
        text = render(report, fmt, standalone=args.standalone, summary=args.summary)
    _emit(args.output, text)
    return EXIT_OK


def _inputs(args: argparse.Namespace) -> list[str]:
    """Every file a command reads, none of which its output may replace: the card, and the
    template and checklist when they are files (a checklist may also be a bundled id)."""
    given = [args.file, getattr(args, "template", None), getattr(args, "checklist", None)]
    return [path for path in given if path and (path == args.file or os.path.lexists(path))]


def _emit(output: str | None, text: str) -> None:
    """Write text to the output file atomically, or to standard output when none is named."""
    from .files import write_atomic

    if output:
        write_atomic(output, text)
        print(printable(f"wrote {output}"), file=sys.stderr)
    else:
        sys.stdout.write(text)


def _render_into(args: argparse.Namespace) -> int:
    from .files import max_bytes_setting, refuse_same_file
    from .hub import advice, metadata
    from .readme import update
    from .rendering import render

    if args.output or args.standalone or args.summary or args.fmt not in (None, "md", "hf"):
        raise UsageError("--into writes the Markdown card into a README; it takes no -o, -f, --standalone or --summary")
    refuse_same_file(args.into, *_inputs(args))
    report = _report(args.file, args.checklist, args.max_bytes, anonymous=args.anonymous, compiled=True)
    max_bytes = max_bytes_setting(args.max_bytes)
    done, notes, written = update(args.into, render(report, "md"), metadata(report), max_bytes=max_bytes)
    for note in [*([] if args.anonymous else advice(report, written)), *notes]:
        print(f"note: {printable(note)}", file=sys.stderr)
    print(printable(f"{args.into} is up to date" if done == "unchanged" else f"{done} {args.into}"), file=sys.stderr)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .checklist import load_checklist
    from .schema import schema_text

    sys.stdout.write(schema_text(load_checklist(args.checklist)))
    return EXIT_OK


def _badge(args: argparse.Namespace) -> int:
    from .badge import svg
    from .files import refuse_same_file

    if args.output:
        refuse_same_file(args.output, *_inputs(args))
    _emit(args.output, svg(_report(args.file, args.checklist, args.max_bytes, compiled=True)))
    return EXIT_OK


def _form(args: argparse.Namespace) -> int:
    from .checklist import load_checklist
    from .files import refuse_same_file
    from .form import form_page

    if args.review and not args.file:
        raise UsageError("--review shows a card: name the CARD file")
    if args.output == "-":
        args.output = None
    if args.output and args.file:
        refuse_same_file(args.output, args.file)
    if args.file:
        report = _report(args.file, args.checklist, args.max_bytes)
        page = form_page(report.checklist, report, review=args.review)
    else:
        page = form_page(load_checklist(args.checklist or "misyn"))
    _emit(args.output, page)
    return EXIT_OK


def _crosswalk(args: argparse.Namespace) -> int:
    import json

    from . import crosswalk
    from .files import refuse_same_file

    if args.output:
        refuse_same_file(args.output, args.file, *([args.checklist] if args.checklist else []))
    report = _report(args.file, args.checklist, args.max_bytes)
    table = crosswalk.crosswalk(report, args.to)
    if args.format == "json":
        text = json.dumps({"ethicard": __version__, "file": args.file, **table.as_json()}, indent=2) + "\n"
    elif args.format == "md":
        text = crosswalk.markdown(args.file, table, report)
    else:
        text = "\n".join(crosswalk.text(args.file, table)) + "\n"
    _emit(args.output, text)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    import json

    from . import compare
    from .files import refuse_same_file

    if args.output:
        refuse_same_file(args.output, args.old, args.new, *([args.checklist] if args.checklist else []))
    old = _report(args.old, args.checklist, args.max_bytes)
    new = _report(args.new, args.checklist, args.max_bytes)
    diff = compare.compare(old, new)
    if args.format == "json":
        text = json.dumps({"ethicard": __version__, **compare.as_json(diff, args.old, args.new)}, indent=2) + "\n"
    elif args.format == "md":
        text = compare.markdown(diff, args.old, args.new)
    else:
        text = "\n".join(printable(line) for line in compare.text(diff, args.old, args.new)) + "\n"
    _emit(args.output, text)
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    """Exit 0 when nothing needs a person, 1 when answers are marked for review, 2 on a usage error."""
    from .cards import load_card, validate_card
    from .changes import bundled_history
    from .checklist import load_checklist
    from .files import max_bytes_setting, read_text, refuse_same_file
    from .loader import parse
    from .migrate import migrate_text

    max_bytes = max_bytes_setting(args.max_bytes)
    card, old = load_card(args.file, max_bytes=max_bytes)
    history = bundled_history(old.id) if old.extends is None else None
    if history is None or card.checklist.file:
        raise UsageError(f"checklist '{old.id}' is not a bundled checklist with declared changes; nothing to migrate")
    target = _migration_target(old.id, args.to)
    if args.output:
        refuse_same_file(args.output, args.file)
    text = read_text(args.file, max_bytes=max_bytes)
    new = load_checklist(old.id, version=target)
    migration = migrate_text(text, old, new, history)
    for ident, into in migration.moved:
        print(printable(f"{args.file}: {ident} -> {', '.join(into) if into else 'retired:'}"), file=sys.stderr)
    for ident in migration.review:
        print(printable(f"{args.file}: {ident}: review required (the question changed)"), file=sys.stderr)
    review = list(migration.review)
    result = migration.text
    if card.format_version < 2:
        result, more = _to_format_2(args, result)
        review += more
        validate_card(parse(result, args.output or args.file), new)  # a migrated card is a valid card
    formats = ", card format 1 -> 2" if card.format_version < 2 else ""
    change = f"{old.id} {migration.old_version} -> {migration.new_version}{formats}"
    _write_migrated(args, text, result, change, f"already answers {old.id} {migration.new_version}")
    return EXIT_PROBLEMS if review else EXIT_OK


def _migration_target(checklist: str, asked: str | None) -> str:
    """The bundled version of ``checklist`` to migrate to: the one asked for, else the current one."""
    from .versions import bundled_versions

    versions = bundled_versions(checklist)
    target = asked or versions[-1]
    if target not in versions:
        raise UsageError(f"{checklist} {target} does not exist; versions: {', '.join(versions)}")
    return target


def _to_format_2(args: argparse.Namespace, text: str) -> tuple[str, list[str]]:
    """A migrated card in card format 2, and the items whose answers a person must review."""
    from .migrate import FORMAT_2_BLOCKS, to_format_2

    formatted = to_format_2(text)
    blocks = dict((item, block) for block, item in FORMAT_2_BLOCKS)
    for ident in formatted.review:
        message = f"review required (format 2 decides it from the '{blocks[ident]}' block: fill it in)"
        print(printable(f"{args.file}: {ident}: {message}"), file=sys.stderr)
    return formatted.text, list(formatted.review)


def _write_migrated(args: argparse.Namespace, text: str, result: str, change: str, unchanged: str) -> None:
    """The migrated card as a diff (--dry-run), or written when it changed or goes elsewhere (-o)."""
    from .files import write_atomic

    if args.dry_run:
        import difflib

        name = args.output or args.file
        diff = difflib.unified_diff(text.splitlines(keepends=True), result.splitlines(keepends=True), name, name)
        sys.stdout.write("".join(diff))
    elif result != text or args.output:
        write_atomic(args.output or args.file, result)
        print(f"{args.file}: {change}", file=sys.stderr)
    else:
        print(f"{args.file}: {unchanged}", file=sys.stderr)


def _changelog(args: argparse.Namespace) -> int:
    from .changes import bundled_history, changelog
    from .checklist import load_checklist

    checklist = load_checklist(args.checklist)
    history = bundled_history(checklist.id)
    if history is None:
        raise UsageError(f"checklist '{checklist.id}' declares no changes")
    _emit(args.output, changelog(history, checklist.title))
    return EXIT_OK


def _stamp(args: argparse.Namespace) -> int:
    from .images.command import Stamping, credentials

    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    signing = credentials(args.c2pa_cert, args.c2pa_key, args.c2pa_alg)
    run = Stamping(
        args.card,
        args.paths,
        source=args.source,
        generator=args.generator,
        link=args.link,
        signing=signing,
        jobs=args.jobs,
    )
    _write(run)
    return run.exit_code


def _inspect(args: argparse.Namespace) -> int:
    from .images.command import Inspection

    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    run = Inspection(
        args.paths,
        card=args.card,
        fmt=args.format,
        jobs=args.jobs,
        require_mark=args.require_mark,
        progress=sys.stderr.isatty(),
    )
    _write(run)
    return run.exit_code


def _write(chunks: Iterable[tuple[str, str]]) -> None:
    """Write what a command yields, (standard output, standard error) by turns."""
    for out, err in chunks:
        if out:
            sys.stdout.write(out)
        if err:
            sys.stdout.flush()
            sys.stderr.write(err)
            sys.stderr.flush()


def _completion(args: argparse.Namespace) -> int:
    from .completion import script

    sys.stdout.write(script(args.shell))
    return EXIT_OK


_COMMANDS = {
    "init": _init,
    "check": _check,
    "render": _render,
    "schema": _schema,
    "badge": _badge,
    "crosswalk": _crosswalk,
    "diff": _diff,
    "migrate": _migrate,
    "changelog": _changelog,
    "stamp": _stamp,
    "inspect": _inspect,
    "completion": _completion,
    "form": _form,
}


def _debug(args: argparse.Namespace) -> bool:
    return bool(args.debug) or os.environ.get("ETHICARD_DEBUG") == "1"


# Commands that read one card (or none) and start no worker processes: run as the ``ethicard``
# process, they skip the interpreter's teardown (freeing every object one by one), which takes
# longer than checking the card.  Everything they print is flushed first.
_ONE_CARD = frozenset({"init", "render", "schema", "badge", "crosswalk", "diff", "migrate", "changelog", "form"})


def main(argv: Sequence[str] | None = None) -> int:
    """The ``ethicard`` command; ``argv`` None means this process's own arguments, and then a
    one-card command ends the process itself (with :func:`os._exit`) once its output is flushed."""
    parser = _parser(None if REQUEST in os.environ else _named_command(sys.argv[1:] if argv is None else argv))
    if REQUEST in os.environ:  # a Tab pressed in a shell that loaded `ethicard completion`
        from .completion import complete

        complete(parser)  # answers and ends the process
        return EXIT_USAGE
    args = parser.parse_args(argv)
    whole_process = argv is None and _one_card(args)
    if whole_process:
        gc.disable()  # a short run: no cycles worth collecting before it ends
    code = _run(args)
    if whole_process:
        os._exit(_flushed(code))
    return code


def _named_command(argv: Sequence[str]) -> str | None:
    """The command the arguments name, when they name one: the first that is not an option (the
    options before a command take no value)."""
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in _COMMANDS else None


def _one_card(args: argparse.Namespace) -> bool:
    if args.command == "check":
        return args.jobs == 1 and args.images is None and len(args.files) == 1 and not os.path.isdir(args.files[0])
    return args.command in _ONE_CARD


def _flushed(code: int) -> int:
    """Flush standard output and error before the process ends without the interpreter's teardown."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = max(code, EXIT_PROBLEMS)
    with contextlib.suppress(BrokenPipeError, ValueError):  # nowhere left to say anything
        sys.stderr.flush()
    return code


def _run(args: argparse.Namespace) -> int:
    debug = _debug(args)
    # pydantic looks for plugins by scanning every installed distribution's entry points at the first
    # validation; the command line uses none, so it skips the scan (set the variable empty to use them).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        code = _COMMANDS[args.command](args)
        sys.stdout.flush()  # here, so that a full disk behind standard output is reported like any failure
        return code
    except BrokenPipeError:  # the reader stopped early (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEMS
    except OSError as exc:
        if exc.errno not in _MACHINE_ERRNOS:
            return _internal(exc, debug)
        what = exc.filename if exc.filename is not None else "the output"
        return _failed(EnvironmentFailure(f"cannot write {what} ({exc.strerror or exc})"))
    except Failure as exc:
        return _failed(exc)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return _internal(exc, debug)


# An OSError with one of these numbers is the machine's doing (a full disk, a quota, a read-only or
# failing disk), whichever write met it, standard output included: not a bug in ethicard.
_MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG})


def _failed(failure: Failure) -> int:
    for line in failure.lines():
        print(line, file=sys.stderr)
    return failure.exit_code


def _internal(exc: Exception, debug: bool) -> int:
    if debug:
        raise exc
    message = f"ethicard: internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
    print(printable(message), file=sys.stderr)
    return EXIT_INTERNAL
