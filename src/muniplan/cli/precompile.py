"""``python -m muniplan.cli.precompile``: compile the engine's numba kernels into their cache,
run by ``make setup`` so that no command, page or test pays the compilation."""

from __future__ import annotations

import sys


def main() -> int:
    from muniplan.engine.compiled import compile_kernels
    from muniplan.plan.load import load_plan

    done = compile_kernels(load_plan())
    print("muniplan: beregningskjernene er kompilert" if done
          else "muniplan: numba er ikke installert; motoren bruker numpy-løkkene")
    return 0


if __name__ == "__main__":
    sys.exit(main())
