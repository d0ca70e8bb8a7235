from ipcli.cli import main

raise SystemExit(main())
