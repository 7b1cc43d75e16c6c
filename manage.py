#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    # Local development settings unless told otherwise; production sets DJANGO_SETTINGS_MODULE.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.dev")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 - the template manage.py

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
