"""muniplan: a Norwegian municipality's action programme (handlingsprogram med økonomiplan).

The package is layered (see DESIGN.md): ``plan`` holds the domain model and its file format,
``demography`` and ``engine`` project it, ``report`` and ``store`` present and keep it, and
``web`` and ``cli`` are thin faces over all of them.
"""

__version__ = "0.1.0"
