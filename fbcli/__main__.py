from fbcli.cli import main

main()
