/* SNX_API marks what libsnex exports. The library is built with hidden visibility
 * (-fvisibility=hidden), so every function and object a public header declares
 * carries SNX_API and nothing else leaves the shared library (as Lua's LUA_API);
 * tests/test_symbols.py holds the two lists against each other. */
#ifndef SNEX_API_H
#define SNEX_API_H

#if defined(__GNUC__) || defined(__clang__)
#define SNX_API __attribute__((visibility("default")))
#else
#define SNX_API
#endif

#endif
