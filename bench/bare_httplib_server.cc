// Placeholder; the bench engineer replaces it.
int main() { return 0; }
