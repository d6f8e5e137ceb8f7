from shgroups.cli import main

main()
