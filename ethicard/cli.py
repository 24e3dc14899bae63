"""The command line: the only place that prints and exits.

Exit codes: 0 all good, 1 an input has problems, 2 usage error (bad options, refused overwrite).
Heavy modules are imported inside the commands, so ``--help`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EthicardError, UsageError, printable

if TYPE_CHECKING:
    from .assessment import Report

CROSSWALK_SCHEMES = ("claim2024", "mi-claim-gen", "neurips", "hf-modelcard")
_MAX_BYTES_HELP = "largest input accepted, in bytes (default: $ETHICARD_MAX_BYTES, else 1000000)"


RENDER_FORMATS = ("md", "html", "pdf", "tex", "json", "hf")  # rendering.FORMATS, named here for a fast --help
EXIT_CODES = """exit codes:
  0  all good
  1  an input has problems (each printed as file:line:col: path: message (hint))
  2  usage error: bad options, a missing tool, a refused overwrite
  3  internal error: a bug in ethicard (run with --debug for the traceback)"""
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
        "README); the format follows the output file's extension, or -f.",
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ethicard",
        description="Disclosure cards for medical image synthesis (MISyn): fill in, check, render.",
        epilog=EXIT_CODES + "\n\nRun 'ethicard COMMAND --help' for a command's options and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ethicard {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    common = argparse.ArgumentParser(add_help=False)  # --debug after the command name works too
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    class _Commands:
        """``add_parser`` with each command's description, examples and exit codes."""

        @staticmethod
        def add_parser(name: str, **kwargs: str) -> argparse.ArgumentParser:
            return subparsers.add_parser(
                name,
                description=_HELP.get(name, (kwargs.get("help"), []))[0],
                epilog=_epilog(name),
                formatter_class=argparse.RawDescriptionHelpFormatter,
                parents=[common],
                **kwargs,  # type: ignore[arg-type]
            )

    commands = _Commands()

    init = commands.add_parser("init", help="write a card skeleton with every question as a comment")
    init.add_argument("--kind", choices=("model", "dataset", "method"), default="model")
    init.add_argument("-o", "--output", default="ethicard.yaml", help="file to write (default: ethicard.yaml)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument("--checklist", default="misyn", help="bundled checklist id or checklist file")

    check = commands.add_parser("check", help="validate cards and report what they leave open")
    check.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")
    check.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output (default: text)")
    check.add_argument("-j", "--jobs", type=int, default=1, help="processes to use (default 1; 0: one per core)")
    check.add_argument("--checklist", help="checklist file or bundled id (default: the one the card names)")
    check.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)
    check.add_argument("--strict", action="store_true", help="fail (exit 1) when a card shows a gap or a finding")
    check.add_argument("--min-score", type=_percent, metavar="N", help="fail (exit 1) when completeness is below N%%")

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

    schema = commands.add_parser("schema", help="print the JSON Schema of the card YAML, for editors")
    schema.add_argument("--checklist", default="misyn", help="bundled checklist id or checklist file")

    badge = commands.add_parser("badge", help="write an SVG badge with a card's completeness, for READMEs")
    badge.add_argument("file", metavar="FILE")
    badge.add_argument("-o", "--output", help="SVG file to write (default: stdout)")
    badge.add_argument("--checklist", help="checklist file or bundled id (default: the one the card names)")
    badge.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)

    crosswalk = commands.add_parser("crosswalk", help="which items of another reporting scheme a card covers")
    crosswalk.add_argument("file", metavar="FILE")
    crosswalk.add_argument("--to", required=True, choices=CROSSWALK_SCHEMES, help="the other scheme")
    crosswalk.add_argument("--format", choices=("text", "json"), default="text")
    crosswalk.add_argument("--checklist", help="checklist file or bundled id (default: the one the card names)")
    crosswalk.add_argument("--max-bytes", type=int, help=_MAX_BYTES_HELP)
    return parser


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 100")
    return value


def _report(path: str, checklist_name: str | None, given_max_bytes: int | None) -> Report:
    from .assessment import assess
    from .loader import max_bytes_setting
    from .validate import load_card, load_checklist

    max_bytes = max_bytes_setting(given_max_bytes)
    checklist = load_checklist(checklist_name, max_bytes=max_bytes) if checklist_name else None
    card, used = load_card(path, checklist, max_bytes=max_bytes)
    return assess(card, used)


def _init(args: argparse.Namespace) -> int:
    from .files import write_atomic
    from .skeleton import skeleton
    from .validate import load_checklist

    if os.path.lexists(args.output) and not args.force:
        raise UsageError(f"{args.output} already exists; use --force to overwrite it")
    write_atomic(args.output, skeleton(load_checklist(args.checklist), args.kind))
    print(f"wrote {args.output}: a {args.kind} card skeleton to fill in", file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from .batch import Options, Output, ProgressBar, check_cards, find_cards
    from .loader import max_bytes_setting

    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    files = find_cards(args.files)
    options = Options(args.format, args.strict, args.min_score, catch_internal=not _debug(args))
    results = check_cards(
        files,
        checklist_name=args.checklist,
        max_bytes=max_bytes_setting(args.max_bytes),
        jobs=args.jobs,
        options=options,
    )
    bar = ProgressBar(len(files)) if len(files) > 1 and sys.stderr.isatty() else None
    with Output(args.format, len(files), gated=args.strict or args.min_score is not None) as output:
        sys.stdout.write(output.start())
        for done, result in enumerate(results, 1):
            out, err = output.add(result)
            if bar and (err or sys.stdout.isatty()):
                _draw(bar.clear())
            sys.stdout.write(out)
            sys.stderr.write(err)
            if bar:
                _draw(bar.update(done))
        if bar:
            _draw(bar.clear())
        sys.stdout.write(output.end())
        return output.exit_code


def _draw(text: str) -> None:
    if text:
        sys.stdout.flush()
        sys.stderr.write(text)
        sys.stderr.flush()


def _render(args: argparse.Namespace) -> int:
    from .files import refuse_same_file, write_atomic
    from .rendering import FORMATS, format_for, render, render_bytes, render_template

    if args.output == "":
        raise UsageError("-o needs a file name ('-' for standard output)")
    if args.output == "-":
        args.output = None
    if args.into:
        return _render_into(args)
    fmt = args.fmt
    if fmt is None:
        found = format_for(args.output) if args.output else FORMATS["md"]
        if found is None:
            raise UsageError(
                f"{args.output}: cannot tell the format from the extension; use -f with one of: {', '.join(FORMATS)}"
            )
        fmt = found.name
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    if args.standalone and fmt != "tex":
        raise UsageError("--standalone applies to the tex format only")
    if args.output:
        refuse_same_file(args.output, *_inputs(args))
    if FORMATS[fmt].convert is not None:  # a binary document (PDF): to a file only
        if not args.output:
            raise UsageError(f"{fmt} output is a binary file; name it with -o, e.g. -o card.{fmt}")
        report = _report(args.file, args.checklist, args.max_bytes)
        write_atomic(args.output, render_bytes(report, fmt, template=args.template))
        print(printable(f"wrote {args.output}"), file=sys.stderr)
        return EXIT_OK
    report = _report(args.file, args.checklist, args.max_bytes)
    if args.template:
        text = render_template(report, fmt, args.template, standalone=args.standalone)
    else:
        text = render(report, fmt, standalone=args.standalone)
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
    from .files import refuse_same_file
    from .readme import metadata, update
    from .rendering import render

    if args.output or args.standalone or args.fmt not in (None, "md", "hf"):
        raise UsageError("--into writes the Markdown card into a README; it takes no -o, -f or --standalone")
    refuse_same_file(args.into, *_inputs(args))
    report = _report(args.file, args.checklist, args.max_bytes)
    changed = update(args.into, render(report, "md"), metadata(report))
    print(f"updated {args.into}" if changed else f"{args.into} is up to date", file=sys.stderr)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .schema import schema_text
    from .validate import load_checklist

    sys.stdout.write(schema_text(load_checklist(args.checklist)))
    return EXIT_OK


def _badge(args: argparse.Namespace) -> int:
    from .badge import svg
    from .files import refuse_same_file

    if args.output:
        refuse_same_file(args.output, *_inputs(args))
    _emit(args.output, svg(_report(args.file, args.checklist, args.max_bytes)))
    return EXIT_OK


def _crosswalk(args: argparse.Namespace) -> int:
    import json

    from . import crosswalk

    table = crosswalk.crosswalk(_report(args.file, args.checklist, args.max_bytes), args.to)
    if args.format == "json":
        print(json.dumps({"ethicard": __version__, "file": args.file, **table.as_json()}, indent=2))
    else:
        print("\n".join(crosswalk.text(args.file, table)))
    return EXIT_OK


_COMMANDS = {
    "init": _init,
    "check": _check,
    "render": _render,
    "schema": _schema,
    "badge": _badge,
    "crosswalk": _crosswalk,
}


def _debug(args: argparse.Namespace) -> bool:
    return bool(args.debug) or os.environ.get("ETHICARD_DEBUG") == "1"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    debug = _debug(args)
    # pydantic looks for plugins by scanning every installed distribution's entry points at the first
    # validation; the command line uses none, so it skips the scan (set the variable empty to use them).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        return _COMMANDS[args.command](args)
    except EthicardError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_PROBLEMS
    except UsageError as exc:
        print(printable(f"ethicard: error: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped early (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEMS
    except Exception as exc:
        if debug:
            raise
        message = f"ethicard: internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
        print(printable(message), file=sys.stderr)
        return EXIT_INTERNAL
