"""The public pages, one module per topic; :func:`routers` lists them for the app."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from muniplan.web.auth import pages as auth_pages
    from muniplan.web.pages import (
        admin,
        citizens,
        downloads,
        economy,
        followup,
        investments,
        national,
        overview,
        priorities,
        process,
        sectors,
        simulator,
        sources,
        sustainability,
    )

    return [overview.router, sectors.router, investments.router, priorities.router,
            economy.router, sustainability.router, national.router, sources.router,
            downloads.router, simulator.router, citizens.router, auth_pages.router,
            followup.router, followup.api, process.router, admin.router]
