// A shared library without CICADA_TEST_PLUGIN: `-f` must refuse it by name.
extern "C" int not_a_plugin_answer() {
  return 42;
}
