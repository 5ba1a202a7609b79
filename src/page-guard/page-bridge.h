/* page-guard's bridges (page-bridge.c): a direct link's sessions to and from one local page connection. */
#ifndef PAGE_BRIDGE_H
#define PAGE_BRIDGE_H
int page_bridge(int argc, char **argv);
int page_connect(int argc, char **argv);
int page_listen(int argc, char **argv);
#endif
