export default function run(): null {
  return null;
}
