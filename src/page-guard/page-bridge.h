/* page-guard's second mode (page-bridge.c): post-copy's pages between a direct link's session and one local client. */
#ifndef PAGE_BRIDGE_H
#define PAGE_BRIDGE_H
int page_bridge(int argc, char **argv);
#endif
