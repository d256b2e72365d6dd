"""The budgetgraph command: ingest, validate, export, query and serve.

A command imports the stages it runs when it runs: reading, mapping and validation (rdflib, pySHACL) and the
service (FastAPI) take about a second to import, which a query answered in milliseconds should not pay."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph
from rdflib import URIRef

from budgetgraph import compare, config, library
from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.analytic.questions import Analytics
from budgetgraph.config import FileLimits, Limits
from budgetgraph.errors import BudgetgraphError
from budgetgraph.store import EmbeddedStore, GraphStore, RemoteStore
from budgetgraph.store.remote import KINDS, SPARQL_SERVER

FLUSH_EVERY = 100
OBSERVATIONS_SUFFIX = ".observations"
UPDATE_PASSWORD = "BUDGETGRAPH_UPDATE_PASSWORD"
EXPORT_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
RESULT_FORMATS = {"csv": pyoxigraph.QueryResultsFormat.CSV, "json": pyoxigraph.QueryResultsFormat.JSON}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except BudgetgraphError as error:
        print(f"budgetgraph: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budgetgraph", description="Publish public budget disclosures (部门预算/决算) as linked open data.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, help: str, run: object, *, store: bool = False, base: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run)
        if store:
            sub.add_argument("--store", type=Path, default=config.DEFAULT_STORE, help=f"store directory (default: {config.DEFAULT_STORE}, or $BUDGETGRAPH_STORE)")
            sub.add_argument("--endpoint", metavar="QUERY_URL", help="use this SPARQL 1.1 server instead of the store directory")
            sub.add_argument("--update-url", metavar="URL", help="the server's SPARQL Update endpoint (loads need it)")
            sub.add_argument("--update-user", metavar="USER", help=(
                "sign updates as USER, with the password in $BUDGETGRAPH_UPDATE_PASSWORD (e.g. Virtuoso's /sparql-auth)"))
            sub.add_argument("--update-auth", choices=("digest", "basic"), default="digest", help="HTTP authentication of --update-user (default: digest)")
            sub.add_argument("--server-kind", choices=KINDS, default=SPARQL_SERVER, help=(
                "virtuoso: make Virtuoso's answers the same as the others' and leave its own graphs out (default: sparql, any SPARQL 1.1 server)"))
            sub.add_argument("--observations", type=Path, metavar="DIR", help=(
                "the observation table's folder, Parquet partitioned by year and province, kept in step with the store "
                f"(default: STORE{OBSERVATIONS_SUFFIX} beside the store directory; with --endpoint, none unless given)"))
        if base:
            sub.add_argument("--base", default=config.DEFAULT_BASE, help=f"base of minted URIs (default: {config.DEFAULT_BASE}, or $BUDGETGRAPH_BASE)")
        return sub

    def file_limits(sub: argparse.ArgumentParser) -> None:
        """What reading one (untrusted) file may cost; beyond a limit the file is refused, naming the limit."""
        limits = FileLimits()
        sub.add_argument("--max-file-mb", type=float, default=limits.max_bytes / 2**20, metavar="MB", help=f"largest source file (default: {limits.max_bytes / 2**20:g})")
        sub.add_argument("--max-unzipped-mb", type=float, default=limits.max_unzipped_bytes / 2**20, metavar="MB", help=(
            f"most an XLSX or DOCX may unpack to (default: {limits.max_unzipped_bytes / 2**20:g})"))
        sub.add_argument("--max-pages", type=int, default=limits.max_pages, metavar="N", help=f"most pages of a PDF (default: {limits.max_pages})")
        sub.add_argument("--file-memory-mb", type=float, default=limits.memory_bytes / 2**20, metavar="MB", help=(
            f"address space of the process reading one file (default: {limits.memory_bytes / 2**20:g})"))
        sub.add_argument("--file-timeout", type=float, default=limits.timeout_s, metavar="SECONDS", help=f"longest the reading of one file may take (default: {limits.timeout_s:g})")

    sub = command("ingest", "Parse, map, validate and load documents (files or folders) into the store.", _ingest, store=True, base=True)
    sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    sub.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes reading documents (default: one per core)")
    sub.add_argument("--bulk", action="store_true", help=(
        "for a first, large load (a national initial load): write documents in batches with pyoxigraph's bulk loader, "
        "about as fast as it (benchmarks/README.md), then optimise the store. Each batch is loaded whole or not at all, "
        "a crash included; re-running the same ingest loads the rest. The store directory only: refused with --endpoint"))
    file_limits(sub)
    command("reindex", "Rebuild the observation table (Parquet) from the store: every dataset's rows, read by SPARQL.", _reindex, store=True)
    sub = command("validate", "Print the SHACL validation report of documents, without loading them.", _validate, base=True)
    sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    sub.add_argument("--format", choices=["table", "json", "turtle"], default="table")
    sub = command("export", "Write a document's RDF to standard output.", _export, base=True)
    sub.add_argument("path", type=Path, metavar="PATH")
    sub.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="turtle")
    sub = command("query", "Run a SPARQL query over the store: a library query by name ('budgetgraph queries' lists them), a .rq file, or text.", _query, store=True)
    sub.add_argument("query", metavar="QUERY")
    sub.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter of the query (repeatable)")
    sub.add_argument("--format", choices=["table", "csv", "json"], default="table")
    command("queries", "List the library's queries with their parameters.", _queries)
    sub = command("compare", "Compare expenditure by functional class (类/款/项) or COFOG division across districts, departments and years, in 万元.", _compare, store=True)
    sub.add_argument("--district", action="append", default=[], metavar="CODE", help="GB/T 2260 code (repeatable; default: every district)")
    sub.add_argument("--department", action="append", default=[], metavar="NAME", help="part of a department's name (repeatable; default: every department)")
    sub.add_argument("--year", action="append", default=[], metavar="YEAR", help="a year or a range 2019-2023 (repeatable; default: every year)")
    sub.add_argument("--phase", default="budget", choices=compare.PHASES)
    sub.add_argument("--level", default="lei", choices=["lei", "kuan", "xiang", "类", "款", "项", compare.COFOG])
    sub.add_argument("--by", default="department", choices=compare.GROUPINGS, help="one bar per department, or per district (its departments added up)")
    sub.add_argument("--csv", type=Path, metavar="FILE", help="also write the comparison as CSV")
    sub.add_argument("--chart", type=Path, metavar="FILE.svg", help="also write an SVG bar chart")
    sub = command("docs", "Write the ontology's HTML documentation, generated from ontology/budgetgraph.ttl.", _docs)
    sub.add_argument("--out", type=Path, help="file to write (default: standard output)")
    sub = command("serve", "Serve the store: SPARQL endpoint at /sparql, linked-data pages and RDF at /id/…, a query page at /query, a comparison page at /compare, catalogues (/catalog, /data.json, /void) and dumps (/dumps/).", _serve, store=True, base=True)
    sub.add_argument("--host", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8000)
    sub.add_argument("--query-timeout", type=float, default=Limits.timeout_s, metavar="SECONDS", help=f"longest a SPARQL query may run (default: {Limits.timeout_s:g})")
    sub.add_argument("--max-result-mb", type=float, default=Limits.max_bytes / 2**20, metavar="MB", help=f"largest SPARQL answer (default: {Limits.max_bytes / 2**20:g})")
    sub.add_argument("--query-workers", type=int, default=Limits.query_workers, metavar="N", help=(
        f"processes evaluating SPARQL queries on the store directory, each killed at the timeout (default: {Limits.query_workers}; 0: in threads)"))
    sub.add_argument("--max-queries", type=int, default=Limits.max_queries, metavar="N", help=f"queries in flight, running or waiting, beyond which 503 (default: {Limits.max_queries})")
    sub.add_argument("--max-queries-per-client", type=int, default=Limits.max_queries_per_client, metavar="N", help=(
        f"queries in flight from one client address (default: {Limits.max_queries_per_client})"))
    sub.add_argument("--max-requests", type=int, default=Limits.max_requests, metavar="N", help=(
        f"other requests in flight (pages, RDF, catalogues, dumps) beyond which 503 (default: {Limits.max_requests})"))
    sub.add_argument("--max-requests-per-client", type=int, default=Limits.max_requests_per_client, metavar="N", help=(
        f"other requests in flight from one client address (default: {Limits.max_requests_per_client})"))
    sub.add_argument("--answer-cache-entries", type=int, default=Limits.answer_cache_entries, metavar="N", help=(
        f"answers kept for the same query until the store changes (default: {Limits.answer_cache_entries}; 0: none)"))
    sub.add_argument("--answer-cache-mb", type=float, default=Limits.answer_cache_bytes / 2**20, metavar="MB", help=(
        f"memory of the answers kept (default: {Limits.answer_cache_bytes / 2**20:g})"))
    sub.add_argument("--allow-service", action="store_true", help="let queries call other SPARQL endpoints (SERVICE); off by default: the server would reach any host a query names")
    sub.add_argument("--admin-token-file", type=Path, help="enable the admin API (/admin) with the token in this file (or $BUDGETGRAPH_ADMIN_TOKEN)")
    file_limits(sub)
    return parser


def _documents(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def _open_store(args: argparse.Namespace, *, read_only: bool = False, timeout: float = Limits.timeout_s) -> GraphStore:
    if args.endpoint:
        return RemoteStore(args.endpoint, args.update_url, timeout=timeout, credentials=_update_credentials(args), auth=args.update_auth.upper(), kind=args.server_kind)
    if args.update_url or args.update_user:
        raise BudgetgraphError("--update-url and --update-user go with --endpoint (the server's query endpoint)")
    if read_only and not args.store.exists():
        raise BudgetgraphError("no store here: run 'budgetgraph ingest' first", file=str(args.store))
    return EmbeddedStore(args.store, read_only=read_only)


def _observation_table(args: argparse.Namespace) -> ObservationTable | None:
    """The observation table beside the store directory, or the one given; a SPARQL server has none by default."""
    if args.observations is not None:
        return ObservationTable(args.observations)
    return None if args.endpoint else ObservationTable(Path(f"{args.store}{OBSERVATIONS_SUFFIX}"))


def _update_credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """The user and password signing updates; the password never on the command line, where ps shows it."""
    if not args.update_user:
        return None
    password = os.environ.get(UPDATE_PASSWORD)
    if password is None:
        raise BudgetgraphError(f"--update-user {args.update_user} needs its password in ${UPDATE_PASSWORD}")
    return args.update_user, password


def _file_limits(args: argparse.Namespace) -> FileLimits:
    return FileLimits(
        max_bytes=int(args.max_file_mb * 2**20),
        max_unzipped_bytes=int(args.max_unzipped_mb * 2**20),
        max_pages=args.max_pages,
        memory_bytes=int(args.file_memory_mb * 2**20),
        timeout_s=args.file_timeout,
    )


def _ingest(args: argparse.Namespace) -> int:
    from budgetgraph.pipeline import ingest_many

    if args.bulk and args.endpoint:
        raise BudgetgraphError("--bulk loads into the store directory with pyoxigraph's bulk loader; a SPARQL server (--endpoint) has none")
    store = _open_store(args)
    table = _observation_table(args)
    if table is not None:
        table.remove_unnamed(store)  # what an ingest killed earlier left
    paths = list(_documents(args.paths))
    skipped: list[tuple[Path, BudgetgraphError]] = []
    tables = unread = 0
    for done, (path, outcome) in enumerate(ingest_many(paths, store, args.base, args.workers, bulk=args.bulk, limits=_file_limits(args), table=table), start=1):
        if done % FLUSH_EVERY == 0:
            store.flush()  # pyoxigraph holds written data in memory until flushed
        progress = f"[{done}/{len(paths)}] {path}"
        if isinstance(outcome, BudgetgraphError):
            skipped.append((path, outcome))
            print(f"{progress}: not loaded", file=sys.stdout)
            print(f"budgetgraph: {outcome}", file=sys.stderr)
            continue
        doc, report = outcome.document, outcome.report
        tables, unread = tables + len(doc.tables), unread + len(doc.unread)
        print(
            f"{progress}: {doc.department} {doc.fiscal_year} {doc.phase.value}, {len(doc.tables)} tables read, "
            f"{len(doc.unread)} not read, {len(outcome.mapped.triples)} triples, "
            f"{len(report.of_severity('Warning'))} warnings, {len(report.of_severity('Info'))} notes → {outcome.mapped.graph_name}"
        )
        for table in doc.unread:
            print(f"  not read: table {table.number} {table.title} ({table.place}): {table.reason}")
        for finding in report.findings:
            print(f"  {finding.severity}: {finding.message}")
    store.flush()
    print(
        f"{len(paths) - len(skipped)} of {len(paths)} documents loaded, {tables} tables read, {unread} tables not read; "
        f"store {args.endpoint or args.store}: {len(store)} quads in {len(store.graph_names())} graphs"
    )
    for path, error in skipped:
        print(f"  skipped {path}{f', {error.place}' if error.place else ''}: {error.message}")
    return 1 if skipped else 0


def _reindex(args: argparse.Namespace) -> int:
    table = _observation_table(args)
    if table is None:
        raise BudgetgraphError("a SPARQL server has no observation table by default: give --observations DIR")
    store = _open_store(args)
    datasets = table.reindex(store)
    store.flush()
    print(f"{datasets} datasets written to the observation table {table.folder}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from budgetgraph.pipeline import check

    failed = 0
    for path in _documents(args.paths):
        try:
            outcome = check(path, args.base)
        except BudgetgraphError as error:
            failed += 1
            print(f"budgetgraph: {error}", file=sys.stderr)
            continue
        report = outcome.report
        if args.format == "json":
            print(json.dumps({"file": str(path), **report.to_json()}, ensure_ascii=False, indent=2))
        elif args.format == "turtle":
            print(report.to_graph(URIRef(f"{outcome.mapped.dataset}/report"), outcome.mapped.dataset).serialize(format="turtle"))
        else:
            print(f"{path}: {'conforms' if report.conforms else 'does not conform'}, {len(report.findings)} findings")
            print(report.to_text())
        failed += 0 if report.conforms else 1
    return 1 if failed else 0


def _export(args: argparse.Namespace) -> int:
    from budgetgraph.pipeline import check

    outcome = check(args.path, args.base)
    graph = outcome.mapped.graph
    sys.stdout.write(graph.serialize(format=EXPORT_FORMATS[args.format]))
    return 0


def _query(args: argparse.Namespace) -> int:
    if args.query in library.queries():
        query = library.get(args.query)
    elif args.query.endswith(".rq"):
        query = library.parse(args.query, Path(args.query).read_text(encoding="utf-8"))
    else:
        query = library.parse("query", args.query)
    values = dict(_assignment(text) for text in args.param)
    result = _open_store(args, read_only=True).query(query.sparql, query.bindings(values))
    if isinstance(result, pyoxigraph.QueryBoolean):
        print("true" if bool(result) else "false")
    elif not isinstance(result, pyoxigraph.QuerySolutions):
        sys.stdout.write(pyoxigraph.serialize(result, format=pyoxigraph.RdfFormat.TURTLE).decode("utf-8"))
    elif args.format in RESULT_FORMATS:
        sys.stdout.write(result.serialize(format=RESULT_FORMATS[args.format]).decode("utf-8"))
    else:
        _print_table(result)
    return 0


def _assignment(text: str) -> tuple[str, str]:
    name, found, value = text.partition("=")
    if not found:
        raise library.ParameterError(f"--param {text!r}: expected NAME=VALUE")
    return name.strip(), value


def _queries(args: argparse.Namespace) -> int:
    for name, query in library.queries().items():
        print(f"{name}: {query.title}")
        for p in query.parameters:
            print(f"    --param {p.name}=<{p.type}>{f' (default {p.default})' if p.default else ''}  {p.description}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    selection = compare.Selection(
        districts=tuple(args.district), departments=tuple(args.department), years=compare.parse_years(args.year),
        phase=args.phase, level=args.level, by=args.by,
    )
    store = _open_store(args, read_only=True)
    table = _observation_table(args)
    comparison = compare.compare(store, selection, Analytics(table, store) if table is not None else None)
    _print_rows(list(compare.COLUMNS), compare.table_rows(comparison))
    for note in comparison.notes:
        print(f"note: {note}")
    if args.csv:
        compare.write_csv(comparison, args.csv)
    if args.chart:
        args.chart.write_text(compare.svg_chart(comparison, compare.chart_title(selection)), encoding="utf-8")
    return 0


def _print_table(solutions: pyoxigraph.QuerySolutions) -> None:
    names = [v.value for v in solutions.variables]
    _print_rows(names, [[_plain(solution[name]) for name in names] for solution in solutions])


def _print_rows(names: list[str], rows: list[list[str]]) -> None:
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]
    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()
    print(line(names))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


def _plain(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if "\u1100" <= c and (c <= "\u115f" or "\u2e80" <= c <= "\ua4cf" or "\uac00" <= c <= "\ud7a3" or "\uf900" <= c <= "\ufaff" or "\uff00" <= c <= "\uff60" or "\uffe0" <= c <= "\uffe6") else 1 for c in text)


def _docs(args: argparse.Namespace) -> int:
    from budgetgraph.service.ontology_docs import render
    from budgetgraph.validation.shacl import ontology

    page = render(ontology())
    if args.out:
        args.out.write_text(page, encoding="utf-8")
    else:
        sys.stdout.write(page)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from budgetgraph.service import create_app

    token = args.admin_token_file.read_text(encoding="utf-8").strip() if args.admin_token_file else config.DEFAULT_ADMIN_TOKEN
    limits = Limits(
        timeout_s=args.query_timeout,
        max_bytes=int(args.max_result_mb * 2**20),
        service_calls=args.allow_service,
        query_workers=args.query_workers,
        max_queries=args.max_queries,
        max_queries_per_client=args.max_queries_per_client,
        max_requests=args.max_requests,
        max_requests_per_client=args.max_requests_per_client,
        answer_cache_entries=args.answer_cache_entries,
        answer_cache_bytes=int(args.answer_cache_mb * 2**20),
    )
    store = _open_store(args, timeout=args.query_timeout)
    table = _observation_table(args)
    if table is not None:
        table.remove_unnamed(store)
    app = create_app(store, base=args.base, admin_token=token, limits=limits, file_limits=_file_limits(args), observations=table)
    uvicorn.run(app, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
