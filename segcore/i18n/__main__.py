"""``python -m segcore.i18n extract|update|check|compile``: keep the catalogs in step with the code."""

from __future__ import annotations

import argparse
import sys

from segcore.i18n import catalogs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m segcore.i18n", description=__doc__)
    parser.add_argument("command", choices=["extract", "update", "check", "compile"])
    args = parser.parse_args(argv)
    if args.command == "extract":
        template = catalogs.extract()
        print(f"{sum(1 for m in template if m.id)} strings in the code")
    elif args.command == "update":
        for language, todo in catalogs.update().items():
            print(f"{language}: {todo} to translate")
    elif args.command == "compile":
        for path in catalogs.compile_catalogs():
            print(path)
    else:
        problems = catalogs.check()
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
