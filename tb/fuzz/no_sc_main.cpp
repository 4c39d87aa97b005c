// libsystemc.so defines main() and calls sc_main; a fuzz target's main is libFuzzer's, so this is never run.
extern "C" int sc_main(int, char*[]) { return 1; }
