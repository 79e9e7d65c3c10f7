"""Run in another process by the conflict tests: another person editing the same records."""

from __future__ import annotations

import sys
from decimal import Decimal


def increment(url: str, project_id: int, times: int) -> int:
    """Add 1 亩 to the project's land area `times` times, each time read → change → save, retrying
    after a conflict exactly as a person would (reopen, redo). Returns the number of conflicts."""
    from desktop.models import Project
    from desktop.models.base import ConflictError
    from desktop.services.database import open_database

    open_database(url)
    conflicts = 0
    for _ in range(times):
        while True:
            project = Project.get_by_id(project_id)
            project.land_area = (project.land_area or Decimal(0)) + 1
            try:
                project.save()
                break
            except ConflictError:
                conflicts += 1
    return conflicts


def edit_field(url: str, project_id: int, field: str, value: str) -> None:
    from desktop.services import projects
    from desktop.services.database import open_database

    open_database(url)
    values = projects.project_values(project_id)
    values[field] = value
    projects.update_project(project_id, values)


if __name__ == "__main__":
    command, url, project_id, *rest = sys.argv[1:]
    if command == "increment":
        print(increment(url, int(project_id), int(rest[0])))
    else:
        edit_field(url, int(project_id), rest[0], rest[1])
