#include "commands.h"
int cmd_showpeers(const struct cmd_env *env, int argc, char **argv) { (void)env; (void)argc; (void)argv; return 1; }
