from piiscan.entry import main

main()
