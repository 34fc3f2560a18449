import sys

from taskbot.cli import main

sys.exit(main())
